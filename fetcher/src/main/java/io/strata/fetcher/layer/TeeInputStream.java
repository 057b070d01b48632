package io.strata.fetcher.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The uncompressed layer as the tar indexer reads it: every byte read is also hashed (for the diff_id) and
 * written to the cache file, so the layer is decompressed, indexed, verified and stored in one pass.
 * Skipping reads, so no byte escapes the copy.
 */
final class TeeInputStream extends FilterInputStream {
    private final OutputStream copy;
    private final MessageDigest hash;
    private long count;

    TeeInputStream(InputStream in, OutputStream copy, MessageDigest hash) {
        super(in);
        this.copy = copy;
        this.hash = hash;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            copy.write(b, off, n);
            hash.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
        int read = n <= 0 ? 0 : read(buf, 0, buf.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes passed through. */
    long count() {
        return count;
    }

    /** Copies the rest of the stream (bytes after the tar's end blocks belong to the diff_id too). */
    void drain() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            // copied by read
        }
    }
}
