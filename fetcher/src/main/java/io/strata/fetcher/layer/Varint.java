package io.strata.fetcher.layer;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * Unsigned LEB128 numbers (7 bits a byte, high bit = more), the number encoding of Strata's index files
 * ({@link IndexFile} and the gzip checkpoint index): small values, which most are, take one byte.
 */
public final class Varint {
    private Varint() {
    }

    /** Writes {@code v} (treated as unsigned). */
    public static void write(DataOutput out, long v) throws IOException {
        while ((v & ~0x7fL) != 0) {
            out.writeByte((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /**
     * Reads one number (all 64 bits: zigzag-encoded negative values use them).
     *
     * @throws StreamCorruptedException when it runs past ten bytes (a damaged file: callers say so in their words)
     * @throws java.io.EOFException     at the end of the input
     */
    public static long read(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new StreamCorruptedException("malformed variable-length number");
    }
}
