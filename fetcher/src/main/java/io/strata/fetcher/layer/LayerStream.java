package io.strata.fetcher.layer;

import com.github.luben.zstd.ZstdInputStream;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.gzindex.CheckpointIndex;
import io.strata.fetcher.layer.gzindex.CheckpointIndexBuilder;
import io.strata.fetcher.layer.gzindex.IndexingGzipInputStream;
import io.strata.fetcher.layer.tar.TarIndexer;
import io.strata.fetcher.source.BlobSource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One pass over a whole layer blob: fetched, decompressed, indexed, hashed and written to a spool file, then
 * verified (the blob's digest at its end, the uncompressed tar against the config's diff_id). Nothing read here
 * is trusted before {@link #spool} returns.
 */
final class LayerStream {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LayerStream.class);

    /**
     * What one pass produced: the index (null when not asked for), the verified uncompressed length, and for a
     * gzip layer the checkpoint index that makes later reads of it lazy (null when none could be built).
     */
    record Spooled(LayerIndex index, long tarLength, CheckpointIndex checkpoints) {
    }

    /** What one pass builds besides the verified tar. */
    enum Indexing {
        /** Nothing: a refetch of a layer whose index is known. */
        NONE,
        /** The file table. */
        FILE_TABLE,
        /** The file table and, for a gzip layer, the checkpoint index that makes later reads lazy. */
        FILE_TABLE_AND_CHECKPOINTS
    }

    private LayerStream() {
    }

    /**
     * Streams {@code layer} from {@code source} into {@code spool} and returns once every byte is verified.
     *
     * @param what what to build on the way
     * @throws DigestMismatchException when the blob or its uncompressed tar does not match its digest
     * @throws CorruptLayerException   when the tar is malformed or holds hostile paths
     */
    static Spooled spool(BlobSource source, Descriptor layer, Digest diffIdOrNull, Path spool, LayerStats stats,
                         Indexing what) throws IOException {
        boolean buildIndex = what != Indexing.NONE;
        String name = layer.digest().toString();
        MediaTypes.Compression compression = MediaTypes.layerCompression(layer.mediaType());
        if (compression == null) {
            throw new IOException("layer " + name + " has media type '" + layer.mediaType()
                    + "', which is not a tar layer (expected tar, tar+gzip or tar+zstd)");
        }
        try (InputStream blob = source.openBlob(layer.digest(), layer.size(), stats.transfers());
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
            MessageDigest hasher = diffIdOrNull != null ? diffIdOrNull.newHasher() : Digest.newSha256();
            TeeInputStream tee;
            List<Entry> entries = null;
            IndexingGzipInputStream indexing = null;
            try {
                // The buffer also gives the gzip reader the mark/reset it uses between members, so it never asks
                // the (verifying, forward-only) source stream to rewind.
                InputStream buffered = new BufferedInputStream(blob, 1 << 16);
                InputStream decompressed;
                if (compression == MediaTypes.Compression.GZIP && what == Indexing.FILE_TABLE_AND_CHECKPOINTS) {
                    indexing = indexingGzip(buffered, layer.digest());
                }
                decompressed = indexing != null ? indexing : decompress(buffered, compression);
                InputStream uncompressed = new BufferedInputStream(decompressed, 1 << 16);
                tee = new TeeInputStream(uncompressed, out, hasher);
                if (buildIndex) {
                    entries = TarIndexer.readAll(tee, name);
                }
                tee.drain();
            } catch (IOException e) {
                throw preferDigestMismatch(blob, e);
            }
            drain(blob); // the source verifies size and digest at the end of the blob
            Digest diffId = new Digest(diffIdOrNull != null ? diffIdOrNull.algorithm() : "sha256",
                    HexFormat.of().formatHex(hasher.digest()));
            if (diffIdOrNull != null && !diffIdOrNull.equals(diffId)) {
                throw new DigestMismatchException("layer " + name + " (its uncompressed tar, checked against the"
                        + " image config's diff_id)", diffIdOrNull, diffId.toString());
            }
            // Only now, with the blob verified at its end, do the span digests of the checkpoint index chain to it.
            CheckpointIndex checkpoints = indexing != null ? indexing.finish() : null;
            return new Spooled(buildIndex ? new LayerIndex(layer.digest(), diffId, entries) : null, tee.count(), checkpoints);
        }
    }

    /**
     * A gzip decompressor that also records checkpoints, through the system zlib; null (plain decompression, no
     * lazy reads later) when zlib cannot be used here.
     */
    private static IndexingGzipInputStream indexingGzip(InputStream compressed, Digest layer) {
        try {
            return new IndexingGzipInputStream(compressed, layer, CheckpointIndexBuilder.DEFAULT_SPAN_SIZE);
        } catch (IOException | LinkageError | RuntimeException e) {
            log.warn("cannot build a checkpoint index of layer {} ({}): later mounts will fetch it whole again",
                    layer.shortForm(), e.toString());
            return null;
        }
    }


    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf, 0, buf.length) >= 0) {
            // discard
        }
    }

    private static InputStream decompress(InputStream blob, MediaTypes.Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> blob;
            // true: a gzip layer may be several concatenated members (pigz, appended layers); read them all.
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(blob).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStream(blob);
        };
    }

    /**
     * A corrupt blob usually shows first as a tar or decompression error; the digest check at the end of the
     * blob names the real cause. So on failure the rest of the blob is read, and a digest mismatch, if any, is
     * reported instead (the first error attached).
     */
    private static IOException preferDigestMismatch(InputStream blob, IOException first) {
        if (first instanceof DigestMismatchException) {
            return first;
        }
        try {
            drain(blob);
        } catch (DigestMismatchException mismatch) {
            mismatch.addSuppressed(first);
            return mismatch;
        } catch (IOException ignored) {
            // the source itself failed: the first error says more
        }
        return first;
    }
}
