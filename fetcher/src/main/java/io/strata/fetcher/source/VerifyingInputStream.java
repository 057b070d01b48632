package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hashes a blob as it is read and, instead of a clean end of stream, throws when the size or digest is
 * wrong (after go-containerregistry's {@code internal/verify}): a reader never mistakes a corrupt or
 * truncated blob for a whole one. Skipping is done by reading, so every byte is hashed.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest hasher;
    private long count;
    private boolean verified;

    /**
     * @param expectedSize the size the descriptor claims, or -1 when unknown
     * @param what         names the blob and where it came from, for the exception message
     */
    VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.hasher = expected.newHasher();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = in.read(buf, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        hasher.update(buf, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new DigestMismatchException(what + " is longer than its descriptor's " + expectedSize
                    + " bytes", expected, "(more than " + expectedSize + " bytes)");
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported on a verified blob stream");
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new DigestMismatchException(what + " ended after " + count + " of " + expectedSize
                    + " bytes (truncated)", expected, "(incomplete content)");
        }
        String actual = HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(expected.hex())) {
            throw new DigestMismatchException(what, expected, expected.algorithm() + ":" + actual);
        }
        verified = true;
    }
}
