package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.gzindex.IndexedGzipFormat;
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
final class WholeLayerFormat implements LayerFormat {

    static final String FORMAT = LayerOpener.FORMAT;
    static final String INDEXES = LayerOpener.INDEXES;

    private static final Logger LOG = LoggerFactory.getLogger(WholeLayerFormat.class);

    @Override
    public String name() {
        return FORMAT;
    }

    /** Always serves the layer: the whole-layer format is the fallback of every tar layer. */
    @Override
    public Optional<OpenedLayer> open(LayerContext context) throws IOException {
        OpenedLayer whole = open(context.source(), context.store(), context.chunks(), context.layer(), context.diffId());
        if (context.notes().isEmpty()) {
            return Optional.of(whole);
        }
        String reason = String.join("; ", context.notes()) + " (fetched whole once, then served from the cache)";
        return Optional.of(new OpenedLayer(whole.descriptor(), whole.index(), whole.reader(), whole.stats(), FORMAT, reason));
    }

    /** From the cache when it holds the layer's index, else by fetching the blob once. */
    private static OpenedLayer open(BlobSource source, FileStore store, ChunkCache chunks, Descriptor layer,
                                    Digest diffIdOrNull) throws IOException {
        String key = layer.digest().toTagSafe();
        LayerStats stats = new LayerStats();
        Optional<OpenedLayer> cached = fromCache(source, store, chunks, layer, key, diffIdOrNull, stats);
        if (cached.isPresent()) {
            return cached.get();
        }
        stats.cacheMisses.incrementAndGet();
        Path spool = store.newTempFile("layer-" + layer.digest().hex().substring(0, 12));
        LayerStream.Spooled spooled;
        try {
            spooled = LayerStream.spool(source, layer, diffIdOrNull, spool, stats, LayerStream.Indexing.FILE_TABLE_AND_CHECKPOINTS);
            CachedLayerBytes.publish(layer, spool, spooled.tarLength(), chunks, -1);
        } finally {
            Files.deleteIfExists(spool);
        }
        store.put(INDEXES, key, out -> IndexFile.write(spooled.index(), spooled.tarLength(), out));
        if (spooled.checkpoints() != null) {
            // After the file table: a checkpoint index without its table would be useless.
            IndexedGzipFormat.store(store, spooled.checkpoints());
            LOG.info("layer {}: checkpoint index kept ({} spans); later mounts read it lazily",
                    layer.digest().shortForm(), spooled.checkpoints().checkpointCount());
        }
        LOG.info("layer {} fetched whole ({} bytes, {} entries) and cached", layer.digest().shortForm(),
                stats.bytesFetched.get(), spooled.index().entries().size());
        return opened(source, store, chunks, layer, spooled.index(), spooled.tarLength(), stats);
    }

    private static Optional<OpenedLayer> fromCache(BlobSource source, FileStore store, ChunkCache chunks,
            Descriptor layer, String key, Digest diffIdOrNull, LayerStats stats) throws IOException {
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
        return Optional.of(opened(source, store, chunks, layer, loaded.index(), loaded.tarLength(), stats));
    }

    private static OpenedLayer opened(BlobSource source, FileStore store, ChunkCache chunks, Descriptor layer,
                                      LayerIndex index, long tarLength, LayerStats stats) {
        StoredBytes bytes = new CachedLayerBytes(source, layer, index.diffId(), tarLength, chunks, store.tempDir(), stats);
        EntryReader reader = new WholeLayerReader(layer.digest().toString(), bytes, index, stats);
        String reason = MediaTypes.layerCompression(layer.mediaType()) == MediaTypes.Compression.GZIP
                ? LayerOpener.NOT_LAZY_REASON : LayerOpener.NOT_LAZY_REASON_NOT_GZIP;
        return new OpenedLayer(layer, index, reader, stats, FORMAT, reason);
    }
}
