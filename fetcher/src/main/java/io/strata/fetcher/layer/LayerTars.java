package io.strata.fetcher.layer;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.source.BlobSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A layer kept on this host as its uncompressed tar in a file of its own, next to its index: what an eager pull
 * ({@code strata pull}) keeps of each layer. The entries' {@link Entry#contentOffset()}s are offsets in that file.
 */
public final class LayerTars {

    /**
     * A layer tar's index and the tar's length in bytes.
     *
     * @param index     the entries in tar order (whiteouts included), with the blob digest and the verified diff_id
     * @param tarLength bytes of the uncompressed tar
     */
    public record Indexed(LayerIndex index, long tarLength) {
        public Indexed {
            Objects.requireNonNull(index, "index");
        }
    }

    private LayerTars() {
    }

    /**
     * Fetches {@code layer} once, decompresses it (gzip, zstd or none), indexes it and writes its uncompressed tar
     * to {@code tar}; returns only when the blob matched its digest and the tar matched {@code diffId}. On any
     * failure {@code tar} holds unverified bytes: the caller deletes it.
     *
     * @param stats counts the requests and compressed bytes fetched, live (for progress)
     * @throws DigestMismatchException when the blob or its uncompressed tar does not match its digest
     * @throws CorruptLayerException   when the tar is malformed or holds hostile paths ({@code ..}, NUL)
     */
    public static Indexed download(BlobSource source, Descriptor layer, Digest diffId, Path tar, LayerStats stats)
            throws IOException {
        Objects.requireNonNull(diffId, "diffId: an eager pull always verifies the uncompressed tar");
        LayerStream.Spooled spooled = LayerStream.spool(source, layer, diffId, tar, stats, LayerStream.Indexing.FILE_TABLE);
        return new Indexed(spooled.index(), spooled.tarLength());
    }

    /** Writes {@code indexed} to {@code file} in the cache's index format (versioned, CRC-checked). */
    public static void writeIndex(Indexed indexed, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            IndexFile.write(indexed.index(), indexed.tarLength(), out);
        }
    }

    /**
     * Reads an index written by {@link #writeIndex}.
     *
     * @param layer the blob digest the index must name
     * @throws IOException when the file is damaged, of another version or of another layer
     */
    public static Indexed readIndex(Path file, Digest layer) throws IOException {
        IndexFile.Loaded loaded = IndexFile.read(file, layer);
        return new Indexed(loaded.index(), loaded.tarLength());
    }
}
