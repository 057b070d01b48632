package io.strata.fetcher.layer.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The tar stream, read strictly in order, knowing how many bytes it has consumed. Skipping reads (never
 * {@link InputStream#skip}) so that whoever tees or hashes the underlying stream sees every byte.
 */
final class BlockInput {
    static final int BLOCK = 512;

    private final InputStream in;
    private final byte[] scratch = new byte[64 * 1024];
    private long position;

    BlockInput(InputStream in) {
        this.in = in;
    }

    /** Bytes consumed so far: the offset in the uncompressed stream of the next byte. */
    long position() {
        return position;
    }

    /**
     * Reads one 512-byte block. Returns false at a clean end of stream (no byte of the block available);
     * throws {@link EOFException} when the stream ends inside the block.
     */
    boolean readBlock(byte[] block) throws IOException {
        int n = readUpTo(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("the stream ends " + n + " bytes into a 512-byte header block");
        }
        return true;
    }

    /** Reads exactly {@code len} bytes; throws {@link EOFException} saying how many were missing. */
    void readFully(byte[] dst, int off, int len) throws IOException {
        int n = readUpTo(dst, off, len);
        if (n < len) {
            throw new EOFException("the stream ends " + (len - n) + " bytes early");
        }
    }

    /** Consumes exactly {@code count} bytes; throws {@link EOFException} saying how many were missing. */
    void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new EOFException("the stream ends " + left + " bytes early");
            }
            left -= n;
            position += n;
        }
    }

    private int readUpTo(byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(dst, off + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
            position += n;
        }
        return done;
    }

    /** The block-aligned size of {@code size} content bytes. */
    static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }
}
