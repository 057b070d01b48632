package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.gzindex.CheckpointIndex;
import io.strata.fetcher.layer.gzindex.IndexedGzipFormat;
import io.strata.fetcher.source.BlobSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two indexes that make an unmodified gzip layer lazy — its file table ({@link IndexFile}, namespace
 * {@value LayerOpener#INDEXES}) and its checkpoint index ({@link CheckpointIndex}, namespace
 * {@value IndexedGzipFormat#NAMESPACE}) — as files of the {@link FileStore}: found, built from one pass over the
 * layer, or taken in from elsewhere (a published artifact) after validation. Once both are stored,
 * {@link LayerOpener} serves the layer through {@link IndexedGzipFormat}.
 */
public final class LayerIndexes {

    /**
     * A gzip layer's stored indexes.
     *
     * @param fileTable   the stored file table
     * @param checkpoints the stored checkpoint index
     */
    public record Stored(Descriptor layer, Path fileTable, Path checkpoints) {
    }

    private LayerIndexes() {
    }

    /** Both indexes of {@code layer}, when the store holds both (their content is checked when a mount reads them). */
    public static Optional<Stored> find(FileStore store, Descriptor layer) {
        String key = layer.digest().toTagSafe();
        Optional<Path> table = store.find(LayerOpener.INDEXES, key);
        Optional<Path> checkpoints = store.find(IndexedGzipFormat.NAMESPACE, key);
        if (table.isEmpty() || checkpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Stored(layer, table.get(), checkpoints.get()));
    }

    /**
     * Streams the gzip {@code layer} once, verifies it (blob digest, and {@code diffIdOrNull}), and stores its file
     * table and checkpoint index. Empty when no checkpoint index can be built on this host (no usable zlib):
     * then nothing is stored.
     *
     * @throws IllegalArgumentException when the layer is not gzip-compressed
     * @throws DigestMismatchException  when the blob or its uncompressed tar does not match its digest
     * @throws CorruptLayerException    when the tar is malformed or holds hostile paths
     */
    public static Optional<Stored> build(BlobSource source, Descriptor layer, Digest diffIdOrNull, FileStore store,
                                         LayerStats stats) throws IOException {
        if (MediaTypes.layerCompression(layer.mediaType()) != MediaTypes.Compression.GZIP) {
            throw new IllegalArgumentException("layer " + layer.digest() + " has media type " + layer.mediaType()
                    + ": only gzip layers get a checkpoint index");
        }
        // LayerStream always writes the uncompressed tar; a temp file of the store's own tmp/, deleted at once.
        Path spool = store.newTempFile("index-" + layer.digest().hex().substring(0, 12));
        LayerStream.Spooled spooled;
        try {
            spooled = LayerStream.spool(source, layer, diffIdOrNull, spool, stats, LayerStream.Indexing.FILE_TABLE_AND_CHECKPOINTS);
        } finally {
            Files.deleteIfExists(spool);
        }
        if (spooled.checkpoints() == null) {
            return Optional.empty();
        }
        String key = layer.digest().toTagSafe();
        Path table = store.put(LayerOpener.INDEXES, key, out -> IndexFile.write(spooled.index(), spooled.tarLength(), out));
        // After the file table: a present checkpoint index means the layer can be served lazily.
        Path checkpoints = IndexedGzipFormat.store(store, spooled.checkpoints());
        return Optional.of(new Stored(layer, table, checkpoints));
    }

    /**
     * Validates a file table and a checkpoint index that claim to describe {@code layer} (fetched from elsewhere,
     * e.g. a published artifact) and stores them. Nothing is stored unless both pass: each names this layer, the
     * checkpoint index describes a blob of the descriptor's size, both describe the same uncompressed length, and
     * the file table's diff_id (when it has one) equals {@code diffIdOrNull}. Content read through them is still
     * verified span by span against the digests the checkpoint index holds.
     *
     * @param fileTable   a file in {@link IndexFile} format
     * @param checkpoints a file in {@link CheckpointIndex} format
     * @throws IOException naming the layer and what is wrong when they cannot be used
     */
    public static Stored importVerified(FileStore store, Descriptor layer, Digest diffIdOrNull, Path fileTable,
                                        Path checkpoints) throws IOException {
        String name = "layer " + layer.digest();
        IndexFile.Loaded table = IndexFile.read(fileTable, layer.digest());
        CheckpointIndex index = CheckpointIndex.read(checkpoints, layer.digest());
        if (index.compressedSize() != layer.size()) {
            throw new IOException("checkpoint index of " + name + " describes a blob of " + index.compressedSize()
                    + " bytes, but the manifest says the layer has " + layer.size() + ": it belongs to another blob");
        }
        if (index.uncompressedSize() != table.tarLength()) {
            throw new IOException("the file table of " + name + " describes a tar of " + table.tarLength()
                    + " bytes, its checkpoint index one of " + index.uncompressedSize() + ": they do not belong together");
        }
        Digest diffId = table.index().diffId();
        if (diffIdOrNull != null && diffId != null && !diffId.equals(diffIdOrNull)) {
            throw new DigestMismatchException("the file table of " + name + " (its diff_id, checked against the"
                    + " image config's)", diffIdOrNull, diffId.toString());
        }
        String key = layer.digest().toTagSafe();
        Path storedTable = store.put(LayerOpener.INDEXES, key, out -> Files.copy(fileTable, out));
        Path storedCheckpoints = IndexedGzipFormat.store(store, index);
        return new Stored(layer, storedTable, storedCheckpoints);
    }
}
