/**
 * Lazy reads of unmodified gzip layers through a checkpoint index (zlib's {@code zran} idea): while a layer is
 * fetched whole once, {@link io.strata.fetcher.layer.gzindex.CheckpointIndexBuilder} (push) or
 * {@link io.strata.fetcher.layer.gzindex.IndexingGzipInputStream} (pull) records, every few MiB of uncompressed
 * stream, a deflate block boundary with its 32 KiB window, and the sha256 of each compressed span between
 * boundaries. Later, {@link io.strata.fetcher.layer.gzindex.CheckpointReader} serves any uncompressed range with
 * one verified range request; {@link io.strata.fetcher.layer.gzindex.IndexedGzipFormat} plugs that into the layer
 * formats through the chunk cache.
 *
 * <p>Java's {@link java.util.zip.Inflater} cannot stop at block boundaries or resume mid-stream, so this package
 * binds the system zlib ({@code libz.so.1}) with jnr-ffi; the binding ({@code Zlib}, {@code RawInflater}) is
 * package-private and assumes 64-bit Linux.
 */
package io.strata.fetcher.layer.gzindex;
