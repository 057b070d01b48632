/**
 * eStargz: the lazy-pullable, still-valid gzip tar layer format of containerd/stargz-snapshotter
 * ({@code docs/estargz.md}). Reading: {@link io.strata.fetcher.layer.estargz.EStargzFormat} finds the footer and
 * the TOC with two range requests, verifies the TOC against the layer descriptor's {@code toc.digest} annotation
 * and serves file content chunk by chunk, each chunk verified against its TOC {@code chunkDigest} by the chunk
 * cache. Writing: {@link io.strata.fetcher.layer.estargz.EStargzWriter} turns a tar into an eStargz blob and
 * {@link io.strata.fetcher.layer.estargz.EStargzConverter} converts a whole image.
 *
 * <p>Blob layout (what both sides rely on):
 * <pre>
 *   [gzip member: tar headers ...][gzip member: chunk 0 of file A, then A's padding and later headers]
 *   [gzip member: chunk 1 of A ...] ... [gzip member: tar entry stargz.index.json + end-of-archive]
 *   [51-byte empty gzip member whose Extra field says where the TOC member starts]
 * </pre>
 * A chunk's gzip member starts at its TOC {@code offset}; its content starts {@code innerOffset} bytes into the
 * member's decompressed stream (0, absent from the JSON, in what Strata writes: the content starts the member). A
 * reference writer run with {@code --estargz-min-chunk-size} packs several small files, or chunks, into one member
 * (docs/estargz.md, "Details about innerOffset"): they share {@code offset} and differ in {@code innerOffset}, with
 * the tar padding and headers between them in the same stream. A chunk is read by decompressing its member,
 * skipping {@code innerOffset} bytes and taking exactly its size.
 */
package io.strata.fetcher.layer.estargz;
