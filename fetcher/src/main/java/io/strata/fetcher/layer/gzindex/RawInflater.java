package io.strata.fetcher.layer.gzindex;

import java.io.IOException;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;

/**
 * A zlib inflate stream over the system zlib ({@link Zlib}), with the abilities {@link java.util.zip.Inflater}
 * lacks: stop at deflate block boundaries, report the bit position there, copy the window out, and start a raw
 * stream in the middle (prime the leftover bits, set the window). Owns native memory (the {@code z_stream}, its
 * input and output buffers and zlib's own state): {@link #close()} frees it. Not thread-safe; cheap enough to
 * make one per read.
 */
final class RawInflater implements AutoCloseable {

    /** deflate's window: a block may refer this far back. */
    static final int WINDOW_SIZE = 32 * 1024;
    /** windowBits for a raw deflate stream (no header or trailer), 32 KiB window. */
    static final int RAW = -15;
    /** windowBits for a gzip member (header, deflate stream, trailer checked by zlib). */
    static final int GZIP = 15 + 16;

    private static final int BUFFER = 64 * 1024;
    private static final int STREAM_SIZE = 112;

    private final Zlib.Api z = Zlib.Native.Z;
    private final Zlib.ZStream stream;
    private final Pointer strm;
    private final Pointer in;
    private final Pointer out;
    private boolean open;
    private int lastCode;

    RawInflater(int windowBits) throws IOException {
        stream = new Zlib.ZStream(Zlib.Native.RUNTIME);
        if (Struct.size(stream) != STREAM_SIZE) {
            // The binding assumes the 64-bit Linux ABI; anything else would corrupt memory.
            throw new IllegalStateException("z_stream is " + Struct.size(stream) + " bytes on this platform, the zlib"
                    + " binding expects " + STREAM_SIZE + " (64-bit Linux); gzip checkpoint indexes are not supported here");
        }
        Zlib.LibC c = Zlib.Native.C;
        strm = c.calloc(1, STREAM_SIZE);
        in = c.calloc(1, BUFFER);
        out = c.calloc(1, BUFFER);
        if (strm == null || in == null || out == null) {
            freeBuffers();
            throw new OutOfMemoryError("cannot allocate native buffers for zlib");
        }
        stream.useMemory(strm);
        int rc = z.inflateInit2_(strm, windowBits, Zlib.Native.VERSION, STREAM_SIZE);
        if (rc != Zlib.Z_OK) {
            freeBuffers();
            throw new IOException("zlib inflateInit2 failed with code " + rc);
        }
        open = true;
    }

    /** Input not consumed yet. */
    int availIn() {
        return (int) stream.availIn.get();
    }

    /**
     * Hands zlib up to 64 KiB of {@code b[off, off + len)}; returns how many bytes it took. Call only when the
     * previous input is consumed ({@link #availIn()} is 0).
     */
    int setInput(byte[] b, int off, int len) {
        if (availIn() != 0) {
            throw new IllegalStateException("previous input not consumed");
        }
        int n = Math.min(len, BUFFER);
        in.put(0, b, off, n);
        stream.nextIn.set(in);
        stream.availIn.set(n);
        return n;
    }

    /** Drops the input not consumed yet (a reader skipping a gzip trailer re-feeds from after it). */
    void discardInput() {
        stream.availIn.set(0);
    }

    /**
     * Inflates into {@code dst[off, off + len)} (at most 64 KiB per call); returns the bytes produced.
     * {@link #lastCode()} tells how it ended: {@link Zlib#Z_OK}, {@link Zlib#Z_STREAM_END}, or
     * {@link Zlib#Z_BUF_ERROR} (no progress possible without more input).
     *
     * @param block whether to stop at the end of a deflate block ({@code Z_BLOCK})
     * @throws IOException when the data is not valid deflate/gzip (the message is zlib's)
     */
    int inflate(byte[] dst, int off, int len, boolean block) throws IOException {
        int n = Math.min(len, BUFFER);
        stream.nextOut.set(out);
        stream.availOut.set(n);
        lastCode = z.inflate(strm, block ? Zlib.Z_BLOCK : 0);
        int produced = n - (int) stream.availOut.get();
        if (produced > 0) {
            out.get(0, dst, off, produced);
        }
        if (lastCode != Zlib.Z_OK && lastCode != Zlib.Z_STREAM_END && lastCode != Zlib.Z_BUF_ERROR) {
            throw new IOException("invalid compressed data (zlib: " + message(lastCode) + ")");
        }
        return produced;
    }

    int lastCode() {
        return lastCode;
    }

    /**
     * zlib's {@code data_type}: bit 128 is set at a block boundary (or just after a gzip header), bit 64 while in
     * or after the last block, bits 0-2 count the bits of the last input byte not yet used.
     */
    int dataType() {
        return stream.dataType.get();
    }

    /** Whether inflation stopped exactly between two blocks of the deflate stream (not after the last one). */
    boolean atBlockBoundary() {
        int t = dataType();
        return (t & 128) != 0 && (t & 64) == 0;
    }

    /** Pushes the high {@code bits} bits of the byte before the input (a stream resumed mid-byte). */
    void prime(int bits, int value) throws IOException {
        check(z.inflatePrime(strm, bits, value), "inflatePrime");
    }

    /** The 32 KiB (or fewer, near a member's start) of output a resumed raw stream may refer back to. */
    void setDictionary(byte[] window) throws IOException {
        if (window.length == 0) {
            return;
        }
        out.put(0, window, 0, window.length);
        check(z.inflateSetDictionary(strm, out, window.length), "inflateSetDictionary");
    }

    /** The current window: the last output of this member, at most 32 KiB. */
    byte[] window() throws IOException {
        IntByReference length = new IntByReference(0);
        check(z.inflateGetDictionary(strm, out, length), "inflateGetDictionary");
        byte[] w = new byte[length.getValue()];
        out.get(0, w, 0, w.length);
        return w;
    }

    /** Starts over in another mode (a new gzip member), keeping the unconsumed input. */
    void reset(int windowBits) throws IOException {
        check(z.inflateReset2(strm, windowBits), "inflateReset2");
    }

    private void check(int rc, String call) throws IOException {
        if (rc != Zlib.Z_OK) {
            throw new IOException("zlib " + call + " failed: " + message(rc));
        }
    }

    private String message(int rc) {
        Pointer msg = stream.msg.get();
        return msg != null && msg.address() != 0 ? msg.getString(0) : "code " + rc;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            z.inflateEnd(strm);
            freeBuffers();
        }
    }

    private void freeBuffers() {
        Zlib.LibC c = Zlib.Native.C;
        for (Pointer p : new Pointer[] {strm, in, out}) {
            if (p != null && p.address() != 0) {
                c.free(p);
            }
        }
    }
}
