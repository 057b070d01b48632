package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine of index building: inflates a gzip stream (one or more members) front to back with
 * {@code Z_BLOCK}, and at a block boundary at least {@code spanSize} uncompressed bytes after the previous
 * checkpoint records a new one (bit position and window), closing the previous span's sha256. Pull-shaped
 * (input in, bounded output out) so that both the push ({@link CheckpointIndexBuilder}) and the pull
 * ({@link IndexingGzipInputStream}) forms stay bounded in memory even for a decompression bomb.
 */
final class GzipScanner implements AutoCloseable {

    private final long spanSize;
    private final RawInflater inflater;
    private final List<Checkpoint> checkpoints = new ArrayList<>();

    /** The Java bytes last handed to zlib, to hash what it consumes. */
    private byte[] slice;
    private int sliceOff;
    private int sliceLen;
    private int hashedInSlice;

    private long consumed;
    private long produced;
    private int lastByte;
    private int members;
    private boolean memberEnded;
    /** Hashes the current span; null before the first checkpoint (the first header is never re-read). */
    private MessageDigest span;
    private Checkpoint pending;

    GzipScanner(long spanSize) throws IOException {
        if (spanSize < RawInflater.WINDOW_SIZE) {
            throw new IllegalArgumentException("span size " + spanSize + " is below the 32 KiB deflate window");
        }
        this.spanSize = spanSize;
        this.inflater = new RawInflater(RawInflater.GZIP);
    }

    /** Whether the previous input is all consumed. */
    boolean needsInput() {
        return inflater.availIn() == 0;
    }

    /** Hands over up to 64 KiB of compressed bytes; returns how many were taken. Only when {@link #needsInput()}. */
    int setInput(byte[] b, int off, int len) {
        int n = inflater.setInput(b, off, len);
        slice = b;
        sliceOff = off;
        sliceLen = n;
        hashedInSlice = 0;
        return n;
    }

    /**
     * Inflates into {@code dst}; returns the bytes produced, 0 only when all input is consumed.
     *
     * @throws IOException when the stream is not valid gzip
     */
    int inflate(byte[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (memberEnded) {
                if (inflater.availIn() == 0) {
                    return 0;
                }
                // Another member follows (pigz, concatenated layers): a fresh gzip header, an empty window.
                inflater.reset(RawInflater.GZIP);
                memberEnded = false;
            }
            int n = inflater.inflate(dst, off, len, true);
            hashConsumed();
            produced += n;
            if (inflater.lastCode() == Zlib.Z_STREAM_END) {
                memberEnded = true;
                members++;
            } else if (inflater.atBlockBoundary() && (pending == null || produced - pending.uncompressedOffset() >= spanSize)) {
                checkpoint();
            }
            if (n > 0) {
                return n;
            }
            if (inflater.availIn() == 0) {
                return 0;
            }
        }
    }

    /** Feeds the bytes zlib consumed in the last call to the span hash. */
    private void hashConsumed() {
        int consumedInSlice = sliceLen - inflater.availIn();
        int n = consumedInSlice - hashedInSlice;
        if (n > 0) {
            if (span != null) {
                span.update(slice, sliceOff + hashedInSlice, n);
            }
            lastByte = slice[sliceOff + consumedInSlice - 1] & 0xff;
            consumed += n;
            hashedInSlice = consumedInSlice;
        }
    }

    private void checkpoint() throws IOException {
        int bits = inflater.dataType() & 7;
        closeSpan();
        span = Digest.newSha256();
        if (bits > 0) {
            // The next block starts inside the last consumed byte: a resumed read needs that byte too.
            span.update((byte) lastByte);
        }
        byte[] window = inflater.window();
        pending = new Checkpoint(consumed, bits, produced, window.length, Checkpoint.deflate(window), null);
    }

    private void closeSpan() {
        if (pending != null) {
            checkpoints.add(new Checkpoint(pending.compressedOffset(), pending.bits(), pending.uncompressedOffset(),
                    pending.windowLength(), pending.deflatedWindow(), span.digest()));
        }
    }

    /** Whether the input so far ends exactly at the end of a gzip member. */
    boolean complete() {
        return memberEnded && inflater.availIn() == 0 && members > 0;
    }

    long consumed() {
        return consumed;
    }

    long produced() {
        return produced;
    }

    /**
     * The index, once the whole blob went through.
     *
     * @throws IOException when the stream stopped inside a member (truncated blob)
     */
    CheckpointIndex finish(Digest layer) throws IOException {
        if (!complete()) {
            throw new IOException("gzip layer " + layer + " ends in the middle of a member after " + consumed
                    + " compressed bytes (the blob is truncated)");
        }
        closeSpan();
        pending = null;
        return new CheckpointIndex(layer, spanSize, consumed, produced, checkpoints);
    }

    @Override
    public void close() {
        inflater.close();
    }
}
