package io.strata.fetcher.testing;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test-only blobs in memory, costed like a registry's: counts whole-blob opens, range requests and range bytes;
 * verifies the digest at the end of a whole-blob stream like the real sources; and can serve other bytes to a
 * range request at one offset ({@link #tampered}), as a corrupted registry would.
 */
public final class MemoryBlobSource implements BlobSource {
    public final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    public final AtomicInteger opens = new AtomicInteger();
    public final AtomicInteger ranges = new AtomicInteger();
    public final AtomicLong rangeBytes = new AtomicLong();
    /** Served instead of the blob's bytes by a range request starting at {@link #tamperedOffset}. */
    public volatile byte[] tampered;
    public volatile long tamperedOffset = -1;

    /** Stores a blob under its own digest. */
    public Digest put(byte[] bytes) {
        Digest d = Digest.sha256(bytes);
        blobs.put(d, bytes);
        return d;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public FetchedManifest manifest(String reference) throws IOException {
        throw new NotFoundException("no manifests in " + describe());
    }

    @Override
    public long blobSize(Digest digest) throws IOException {
        return bytes(digest).length;
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize) throws IOException {
        opens.incrementAndGet();
        byte[] bytes = bytes(digest);
        MessageDigest md = digest.newHasher();
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public boolean markSupported() {
                return false; // a hashing stream cannot rewind
            }

            @Override
            public long skip(long n) throws IOException {
                return Math.max(0, read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192)));
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    md.update(b, off, n);
                } else if (n < 0 && !checked) {
                    checked = true;
                    String actual = HexFormat.of().formatHex(md.digest());
                    if (!actual.equals(digest.hex())) {
                        throw new DigestMismatchException("blob " + digest, digest, digest.algorithm() + ":" + actual);
                    }
                }
                return n;
            }
        };
    }

    /** Forgets the counts, e.g. between the set-up and the part of a test that is measured. */
    public void resetCounts() {
        opens.set(0);
        ranges.set(0);
        rangeBytes.set(0);
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws IOException {
        ranges.incrementAndGet();
        byte[] b = bytes(digest);
        byte[] out;
        if (offset == tamperedOffset && tampered != null) {
            out = Arrays.copyOf(tampered, length);
        } else {
            int from = (int) Math.min(offset, b.length);
            out = Arrays.copyOfRange(b, from, (int) Math.min(b.length, from + (long) length));
        }
        rangeBytes.addAndGet(out.length);
        return out;
    }

    private byte[] bytes(Digest digest) throws NotFoundException {
        byte[] b = blobs.get(digest);
        if (b == null) {
            throw new NotFoundException("blob " + digest + " not in " + describe());
        }
        return b;
    }

    @Override
    public void close() {
    }
}
