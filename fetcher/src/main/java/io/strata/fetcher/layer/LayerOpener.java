package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.source.BlobSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole-layer format, the fallback for a layer without an eStargz TOC or a Strata index: the blob is
 * streamed once, decompressed, indexed and verified, then its uncompressed tar is published as chunks in the
 * {@link ChunkCache} and served from there. A later open of the same layer (any process sharing the cache)
 * fetches nothing; a chunk evicted since is fetched again with the whole layer ({@link CachedLayerBytes}).
 *
 * <p>The index is kept in the {@link FileStore} as {@code indexes/<digest>} ({@link IndexFile}), written after
 * the chunks, so its presence means the layer was verified whole.
 */
public final class LayerOpener {

    /** {@link OpenedLayer#format()} of layers served this way. */
    public static final String FORMAT = "whole";
    /** {@link OpenedLayer#notLazyReason()} of layers served this way. */
    public static final String NOT_LAZY_REASON =
            "no eStargz TOC or Strata index for this layer yet: fetched whole once, then served from the cache";

    /** The {@link FileStore} namespace of layer indexes. */
    public static final String INDEXES = "indexes";

    private static final Logger LOG = LoggerFactory.getLogger(LayerOpener.class);

    private final BlobSource source;
    private final FileStore store;
    private final ChunkCache chunks;

    /**
     * @param store  where layer indexes are kept (and its {@code tmp/} where layers are spooled while verified)
     * @param chunks where layer content is kept
     */
    public LayerOpener(BlobSource source, FileStore store, ChunkCache chunks) {
        this.source = source;
        this.store = store;
        this.chunks = chunks;
    }

    /**
     * Opens a layer: from the cache when it holds the layer's index, else by fetching the blob once.
     * Close the returned reader ({@link java.io.Closeable}) when the layer is no longer served.
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
        String key = layer.digest().toTagSafe();
        LayerStats stats = new LayerStats();
        Optional<OpenedLayer> cached = fromCache(layer, key, diffIdOrNull, stats);
        if (cached.isPresent()) {
            return cached.get();
        }
        stats.cacheMisses.incrementAndGet();
        Path spool = store.newTempFile("layer-" + layer.digest().hex().substring(0, 12));
        LayerStream.Spooled spooled;
        try {
            spooled = LayerStream.spool(source, layer, diffIdOrNull, spool, stats, true);
            CachedLayerBytes.publish(layer, spool, spooled.tarLength(), chunks, -1);
        } finally {
            Files.deleteIfExists(spool);
        }
        store.put(INDEXES, key, out -> IndexFile.write(spooled.index(), spooled.tarLength(), out));
        LOG.info("layer {} fetched whole ({} bytes, {} entries) and cached", layer.digest().shortForm(),
                stats.bytesFetched.get(), spooled.index().entries().size());
        return opened(layer, spooled.index(), spooled.tarLength(), stats);
    }

    private Optional<OpenedLayer> fromCache(Descriptor layer, String key, Digest diffIdOrNull, LayerStats stats)
            throws IOException {
        Optional<Path> index = store.find(INDEXES, key);
        if (index.isEmpty()) {
            return Optional.empty();
        }
        IndexFile.Loaded loaded;
        try {
            loaded = IndexFile.read(index.get(), layer.digest());
        } catch (IndexFileException e) {
            LOG.warn("{}; fetching layer {} again", e.getMessage(), layer.digest().shortForm());
            return Optional.empty();
        }
        Digest diffId = loaded.index().diffId();
        if (diffIdOrNull != null && diffId != null && diffId.algorithm().equals(diffIdOrNull.algorithm())
                && !diffId.equals(diffIdOrNull)) {
            throw new DigestMismatchException("layer " + layer.digest() + " (its uncompressed tar, checked against the"
                    + " image config's diff_id)", diffIdOrNull, diffId.toString());
        }
        stats.cacheHits.incrementAndGet();
        return Optional.of(opened(layer, loaded.index(), loaded.tarLength(), stats));
    }

    private OpenedLayer opened(Descriptor layer, LayerIndex index, long tarLength, LayerStats stats) {
        StoredBytes bytes = new CachedLayerBytes(source, layer, index.diffId(), tarLength, chunks, store.tempDir(), stats);
        EntryReader reader = new WholeLayerReader(layer.digest().toString(), bytes, index, stats);
        return new OpenedLayer(layer, index, reader, stats, FORMAT, NOT_LAZY_REASON);
    }
}
