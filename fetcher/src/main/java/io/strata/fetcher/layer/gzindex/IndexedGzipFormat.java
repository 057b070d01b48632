package io.strata.fetcher.layer.gzindex;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.EntryReader;
import io.strata.fetcher.layer.LayerContext;
import io.strata.fetcher.layer.LayerFormat;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.OpenedLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an unmodified gzip layer lazily once the {@link FileStore} holds both its file table (the
 * {@code indexes/} entry the whole-layer format writes) and its {@link CheckpointIndex} ({@code gzindex/}):
 * content comes chunk by chunk through the chunk cache, a missing chunk costs one range request of about one
 * span ({@link LazyGzipBytes}). Without both indexes it declines, and the next format (whole) serves the layer
 * and builds them.
 *
 * <p>The file table's storage and the entry reader over stored bytes belong to the layer package; they are
 * passed in ({@link FileTables}, {@link Readers}) so that this package needs nothing of it beyond its API.
 */
public final class IndexedGzipFormat implements LayerFormat {

    /** {@link OpenedLayer#format()} of layers served through a checkpoint index. */
    public static final String NAME = "indexed-gzip";
    /** The {@link FileStore} namespace of checkpoint indexes, one file per layer named by its digest. */
    public static final String NAMESPACE = "gzindex";

    private static final Logger LOG = LoggerFactory.getLogger(IndexedGzipFormat.class);

    /** Finds a layer's stored file table, if the store has one. */
    @FunctionalInterface
    public interface FileTables {
        Optional<LayerIndex> find(FileStore store, Descriptor layer) throws IOException;
    }

    /** Makes the entry reader (sparse files, hard links) over a layer's lazily fetched uncompressed tar. */
    @FunctionalInterface
    public interface Readers {
        EntryReader create(String layer, LazyGzipBytes bytes, LayerIndex index, LayerStats stats);
    }

    private final FileTables tables;
    private final Readers readers;

    public IndexedGzipFormat(FileTables tables, Readers readers) {
        this.tables = tables;
        this.readers = readers;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Stores a checkpoint index (atomically). Call only once the blob it was built from was verified whole, and
     * after the layer's file table is stored: a present index means the layer can be served lazily.
     */
    public static Path store(FileStore store, CheckpointIndex index) throws IOException {
        return store.put(NAMESPACE, index.layer().toTagSafe(), index::writeTo);
    }

    /** The stored checkpoint index of {@code layer}, if any; a damaged one is reported and deleted. */
    public static Optional<CheckpointIndex> find(FileStore store, Digest layer) throws IOException {
        Optional<Path> file = store.find(NAMESPACE, layer.toTagSafe());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointIndex.read(file.get(), layer));
        } catch (CheckpointIndexException e) {
            LOG.warn("{}; serving layer {} without it", e.getMessage(), layer.shortForm());
            java.nio.file.Files.deleteIfExists(file.get());
            return Optional.empty();
        }
    }

    @Override
    public Optional<OpenedLayer> open(LayerContext context) throws IOException {
        Descriptor layer = context.layer();
        if (MediaTypes.layerCompression(layer.mediaType()) != MediaTypes.Compression.GZIP) {
            return Optional.empty();
        }
        Optional<CheckpointIndex> found = find(context.store(), layer.digest());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CheckpointIndex index = found.get();
        if (index.compressedSize() != layer.size()) {
            LOG.warn("checkpoint index of layer {} describes a {}-byte blob, the manifest says {}: not using it",
                    layer.digest().shortForm(), index.compressedSize(), layer.size());
            return Optional.empty();
        }
        Optional<LayerIndex> table = tables.find(context.store(), layer);
        if (table.isEmpty()) {
            return Optional.empty();
        }
        Digest diffId = table.get().diffId();
        Digest expected = context.diffId();
        if (expected != null && diffId != null && diffId.algorithm().equals(expected.algorithm())
                && !diffId.equals(expected)) {
            throw new DigestMismatchException("layer " + layer.digest() + " (its uncompressed tar, checked against the"
                    + " image config's diff_id)", expected, diffId.toString());
        }
        LayerStats stats = new LayerStats();
        CheckpointReader reader = new CheckpointReader(index, context.source(), stats.transfers());
        LazyGzipBytes bytes = new LazyGzipBytes(index, reader, context.chunks(), stats);
        EntryReader entries = readers.create(layer.digest().toString(), bytes, table.get(), stats);
        LOG.info("layer {} served lazily through its checkpoint index ({} spans)", layer.digest().shortForm(),
                index.checkpointCount());
        return Optional.of(new OpenedLayer(layer, table.get(), entries, stats, NAME, null));
    }

}
