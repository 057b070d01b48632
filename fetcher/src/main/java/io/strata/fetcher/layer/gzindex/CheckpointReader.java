package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.TransferCounter;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads any range of a gzip layer's uncompressed stream through its {@link CheckpointIndex}: one range request
 * for the span(s) holding the range, each span verified against its recorded sha256 before anything is inflated
 * from it, then inflation resumed at the checkpoint before the range. So no byte reaches a caller unless the
 * compressed bytes it came from are the ones the (verified) index was built from. Thread-safe: each read has its
 * own inflater.
 */
public final class CheckpointReader {

    private final CheckpointIndex index;
    private final BlobSource source;
    private final TransferCounter counter;

    /** @param counter receives each request and byte fetched (the layer's statistics) */
    public CheckpointReader(CheckpointIndex index, BlobSource source, TransferCounter counter) {
        this.index = index;
        this.source = source;
        this.counter = counter;
    }

    /**
     * The uncompressed bytes {@code [offset, offset + length)}, verified.
     *
     * @throws DigestMismatchException when a fetched span does not hash to its recorded digest
     * @throws IOException             when the range lies outside the stream, or the source fails
     */
    public byte[] read(long offset, int length) throws IOException {
        Digest layer = index.layer();
        if (offset < 0 || length < 0 || offset > index.uncompressedSize() - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") lies outside the "
                    + index.uncompressedSize() + " uncompressed bytes of layer " + layer);
        }
        byte[] result = new byte[length];
        if (length == 0) {
            return result;
        }
        int first = index.checkpointAtOrBefore(offset);
        int last = index.checkpointAtOrBefore(offset + length - 1);
        Checkpoint start = index.checkpoints().get(first);
        long base = start.fetchStart();
        long end = index.spanEnd(last);
        if (end - base > Integer.MAX_VALUE) {
            throw new IOException("range [" + offset + ", +" + length + ") of layer " + layer + " needs " + (end - base)
                    + " compressed bytes in one request; read smaller ranges");
        }
        byte[] compressed = source.readRange(layer, base, (int) (end - base), counter);
        if (compressed.length != end - base) {
            throw new IOException("layer " + layer + " in " + source.describe() + " returned " + compressed.length
                    + " bytes at offset " + base + ", its checkpoint index expects " + (end - base)
                    + " (the blob is shorter than indexed); delete the index (strata cache clear)");
        }
        for (int k = first; k <= last; k++) {
            verifySpan(k, compressed, base);
        }
        inflate(start, compressed, offset, result);
        return result;
    }

    private void verifySpan(int k, byte[] compressed, long base) throws DigestMismatchException {
        Checkpoint c = index.checkpoints().get(k);
        int from = (int) (c.fetchStart() - base);
        int to = (int) (index.spanEnd(k) - base);
        MessageDigest sha = Digest.newSha256();
        sha.update(compressed, from, to - from);
        byte[] actual = sha.digest();
        if (!MessageDigest.isEqual(actual, c.spanDigest())) {
            HexFormat hex = HexFormat.of();
            throw new DigestMismatchException("span " + k + " (compressed bytes [" + c.fetchStart() + ", "
                    + index.spanEnd(k) + ")) of layer " + index.layer() + " from " + source.describe(),
                    new Digest("sha256", hex.formatHex(c.spanDigest())), "sha256:" + hex.formatHex(actual));
        }
    }

    /** Resumes at {@code start}, skips to {@code offset}, fills {@code result}; crosses member boundaries. */
    private void inflate(Checkpoint start, byte[] compressed, long offset, byte[] result) throws IOException {
        try (RawInflater inflater = new RawInflater(RawInflater.RAW)) {
            int pos = 0;
            if (start.bits() > 0) {
                inflater.prime(start.bits(), (compressed[0] & 0xff) >> (8 - start.bits()));
                pos = 1;
            }
            inflater.setDictionary(start.window());
            boolean raw = true;
            long at = start.uncompressedOffset();
            int filled = 0;
            byte[] skip = new byte[(int) Math.min(64 * 1024, Math.max(1, offset - at))];
            while (filled < result.length) {
                if (inflater.availIn() == 0) {
                    if (pos == compressed.length) {
                        throw inconsistent(offset, result.length, "the fetched spans end before the range does");
                    }
                    pos += inflater.setInput(compressed, pos, compressed.length - pos);
                }
                int n;
                if (at < offset) {
                    n = inflater.inflate(skip, 0, (int) Math.min(skip.length, offset - at), false);
                    at += n;
                } else {
                    n = inflater.inflate(result, filled, result.length - filled, false);
                    filled += n;
                }
                if (inflater.lastCode() == Zlib.Z_STREAM_END) {
                    // End of a member: a raw stream stops before the 8-byte gzip trailer (CRC32, ISIZE); the span
                    // digest already vouches for these bytes, so skip it and read the next member's header.
                    int next = pos - inflater.availIn() + (raw ? 8 : 0);
                    inflater.discardInput();
                    pos = Math.min(next, compressed.length);
                    inflater.reset(RawInflater.GZIP);
                    raw = false;
                }
            }
        } catch (IOException e) {
            if (e instanceof DigestMismatchException) {
                throw e;
            }
            throw inconsistent(offset, result.length, e.getMessage());
        }
    }

    private IOException inconsistent(long offset, int length, String problem) {
        return new IOException("cannot inflate range [" + offset + ", +" + length + ") of layer " + index.layer()
                + " from its checkpoint index: " + problem + " (the verified spans do not fit the index; delete the"
                + " index with strata cache clear)");
    }
}
