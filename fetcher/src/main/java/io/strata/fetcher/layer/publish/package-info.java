/**
 * Publication of lazy indexes for unmodified gzip layers: {@link io.strata.fetcher.layer.publish.IndexBuilder}
 * streams each gzip layer of an image once and keeps its file table and checkpoint index locally;
 * {@link io.strata.fetcher.layer.publish.IndexPublisher} pushes them to the image's repository as one OCI 1.1
 * artifact ({@code artifactType application/vnd.strata.lazy-index.v1}) whose {@code subject} is the image
 * manifest, listed under the referrers tag {@code sha256-<hex>}; {@link io.strata.fetcher.layer.publish.PublishedIndex}
 * finds it at mount time and imports it, so the layers are lazy on a host that never fetched them.
 *
 * <p><b>Trust model.</b> A published index is trusted like the tag that points to the image: anyone who can push
 * to the repository can publish one, exactly as they could re-tag the image itself. What is verified:
 * <ul>
 *   <li>the artifact manifest is fetched by digest and names the image manifest as its subject; its blobs are
 *       fetched by digest and verified by the source;</li>
 *   <li>each file table and checkpoint index names the layer it is stored for, the checkpoint index describes a
 *       blob of exactly the layer's size, both describe the same uncompressed length, and the file table's
 *       diff_id equals the image config's;</li>
 *   <li>every span of compressed bytes read later is checked against the span digest in the checkpoint index,
 *       so the compressed bytes inflated come from the layer blob the manifest names.</li>
 * </ul>
 * What is not: the file table's mapping of paths to offsets and metadata, and each checkpoint's 32 KiB window
 * (the earlier output a resumed deflate block may copy from) come from the publisher, and a lazily read file is
 * never checked against the diff_id (that needs the whole tar). A forged index could therefore list files the
 * layer does not have, map files to the wrong bytes, or alter bytes decompressed after a checkpoint — exactly as
 * a soci zTOC can without signatures. Sign the artifact (e.g. cosign, as a referrer of the artifact) where that
 * matters; verifying such signatures is not done here.
 *
 * <p>That is why a mount imports a published index only when asked ({@code strata mount --trust-published-index}):
 * an image pinned by digest must not be open to whoever can push to its repository. Once imported, the index is
 * in the cache directory like one built locally, and later mounts using that cache directory use it too.
 */
package io.strata.fetcher.layer.publish;
