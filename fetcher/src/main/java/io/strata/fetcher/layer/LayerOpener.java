package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.estargz.EStargzFormat;
import io.strata.fetcher.layer.gzindex.IndexedGzipFormat;
import io.strata.fetcher.source.BlobSource;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Opens the layers of one image source: asks each {@link LayerFormat} in order of preference and uses the first
 * that can serve the layer. The whole-layer format ({@link WholeLayerFormat}: the blob is streamed once, indexed,
 * verified and kept as chunks in the {@link ChunkCache}) comes last and serves every tar layer.
 */
public final class LayerOpener {

    /** {@link OpenedLayer#format()} of layers fetched whole. */
    public static final String FORMAT = "whole";
    /** {@link OpenedLayer#notLazyReason()} of a gzip layer fetched whole: the first time on this host. */
    public static final String NOT_LAZY_REASON = "first mount of this gzip layer with this cache (no eStargz TOC, no"
            + " published index): fetched whole once; its gzip checkpoints are kept, so later mounts read it lazily";
    /** {@link OpenedLayer#notLazyReason()} of a tar or tar+zstd layer, always fetched whole. */
    public static final String NOT_LAZY_REASON_NOT_GZIP = "no lazy format for tar and tar+zstd layers yet: fetched"
            + " whole once, then served from the cache";
    /** The {@link FileStore} namespace of layer indexes. */
    public static final String INDEXES = "indexes";
    /**
     * Every {@link FileStore} namespace the layer formats keep metadata in: file tables, gzip checkpoints, eStargz
     * TOCs ({@code strata cache clear} empties them all).
     */
    public static final List<String> INDEX_NAMESPACES =
            List.of(INDEXES, IndexedGzipFormat.NAMESPACE, EStargzFormat.NAMESPACE);

    private final BlobSource source;
    private final FileStore store;
    private final ChunkCache chunks;
    private final List<LayerFormat> formats;

    /**
     * An opener that fetches every layer whole.
     *
     * @param store  where layer indexes are kept (and its {@code tmp/} where layers are spooled while verified)
     * @param chunks where layer content is kept
     */
    public LayerOpener(BlobSource source, FileStore store, ChunkCache chunks) {
        this(source, store, chunks, List.of());
    }

    /**
     * An opener that tries the {@code lazyFormats} in order and falls back to fetching the layer whole.
     */
    public LayerOpener(BlobSource source, FileStore store, ChunkCache chunks, List<LayerFormat> lazyFormats) {
        this.source = source;
        this.store = store;
        this.chunks = chunks;
        List<LayerFormat> all = new java.util.ArrayList<>(lazyFormats);
        all.add(indexedGzip());
        all.add(new WholeLayerFormat());
        this.formats = List.copyOf(all);
    }

    /**
     * Lazy reads of a gzip layer fetched whole once before: its file table ({@link IndexFile}, kept by
     * {@link WholeLayerFormat}) and its checkpoint index, with the same readers and chunk grid as a whole layer.
     */
    private static LayerFormat indexedGzip() {
        return new IndexedGzipFormat(
                (store, layer) -> {
                    Optional<java.nio.file.Path> file = store.find(INDEXES, layer.digest().toTagSafe());
                    if (file.isEmpty()) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(IndexFile.read(file.get(), layer.digest()).index());
                    } catch (IndexFileException e) {
                        return Optional.empty(); // the whole-layer format fetches it again and rewrites it
                    }
                },
                (name, bytes, index, stats) -> new WholeLayerReader(name, new StoredBytes() {
                    @Override
                    public long length() {
                        return bytes.length();
                    }

                    @Override
                    public void readFully(long position, byte[] dst, int off, int len) throws IOException {
                        bytes.readFully(position, dst, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        bytes.close();
                    }
                }, index, stats));
    }

    /**
     * Opens a layer in the first format that can serve it. Close the returned reader ({@link java.io.Closeable})
     * when the layer is no longer served.
     *
     * @param layer        the manifest's descriptor of the layer blob
     * @param diffIdOrNull the config's {@code rootfs.diff_ids} entry for this layer, verified against the
     *                     uncompressed tar; null when unknown
     * @throws DigestMismatchException when the blob or its uncompressed tar does not match its digest
     * @throws CorruptLayerException   when the tar is malformed or holds hostile paths
     * @throws IOException             when the media type is not a layer or the source fails
     */
    public OpenedLayer open(Descriptor layer, Digest diffIdOrNull) throws IOException {
        if (MediaTypes.layerCompression(layer.mediaType()) == null) {
            throw new IOException("layer " + layer.digest() + " has media type '" + layer.mediaType()
                    + "', which is not a tar layer (expected tar, tar+gzip or tar+zstd)");
        }
        LayerContext context = new LayerContext(source, layer, diffIdOrNull, store, chunks);
        for (LayerFormat format : formats) {
            Optional<OpenedLayer> opened = format.open(context);
            if (opened.isPresent()) {
                return opened.get();
            }
        }
        throw new IOException("no layer format can serve layer " + layer.digest() + " (" + layer.mediaType() + ")");
    }
}
