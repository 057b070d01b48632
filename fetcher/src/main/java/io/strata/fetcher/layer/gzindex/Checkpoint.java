package io.strata.fetcher.layer.gzindex;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A place in a gzip layer where inflation can resume: between two deflate blocks (or just after a member's header),
 * with what resuming needs. Also the start of a span: the compressed bytes from here to the next checkpoint, whose
 * digest is recorded so that a span fetched later can be verified before any of it is inflated.
 *
 * @param compressedOffset   offset in the blob of the first byte not yet consumed at the boundary
 * @param bits               bits of the byte before {@code compressedOffset} that belong to the next block (0-7);
 *                           when not 0 that byte is fetched too and its high bits primed into the inflater
 * @param uncompressedOffset offset in the uncompressed stream of the first byte the next block produces
 * @param windowLength       length of the window (32 KiB, fewer near a member's start, 0 at a member's start)
 * @param deflatedWindow     the window, deflated (raw): the last output a resumed block may refer back to
 * @param spanDigest         sha256 of the blob's bytes [{@link #fetchStart()}, next checkpoint's
 *                           {@code compressedOffset}) (or the blob's end for the last span)
 */
record Checkpoint(long compressedOffset, int bits, long uncompressedOffset, int windowLength, byte[] deflatedWindow,
                  byte[] spanDigest) {

    /** The first blob byte a read resuming here needs. */
    long fetchStart() {
        return bits == 0 ? compressedOffset : compressedOffset - 1;
    }

    /** The window, inflated. */
    byte[] window() throws IOException {
        byte[] w = new byte[windowLength];
        if (windowLength == 0) {
            return w;
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflatedWindow);
            int n = 0;
            while (n < w.length && !inflater.finished()) {
                int k = inflater.inflate(w, n, w.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != w.length || !inflater.finished()) {
                throw new IOException("a checkpoint window at uncompressed offset " + uncompressedOffset
                        + " is damaged (" + n + " of " + windowLength + " bytes)");
            }
            return w;
        } catch (DataFormatException e) {
            throw new IOException("a checkpoint window at uncompressed offset " + uncompressedOffset
                    + " is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** Windows are mostly text or code: deflating them shrinks the index about threefold. */
    static byte[] deflate(byte[] window) {
        if (window.length == 0) {
            return window;
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(window);
            deflater.finish();
            byte[] buf = new byte[window.length + 64];
            int n = 0;
            while (!deflater.finished()) {
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                n += deflater.deflate(buf, n, buf.length - n);
            }
            return java.util.Arrays.copyOf(buf, n);
        } finally {
            deflater.end();
        }
    }
}
