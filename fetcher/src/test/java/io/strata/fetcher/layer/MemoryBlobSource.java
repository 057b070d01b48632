package io.strata.fetcher.layer;

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

/** Test-only blobs in memory; verifies the digest at EOF like the real sources, and counts openBlob calls. */
final class MemoryBlobSource implements BlobSource {
    final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    final AtomicInteger opens = new AtomicInteger();

    /** Stores a blob under its own digest. */
    Digest put(byte[] bytes) {
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

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws IOException {
        byte[] b = bytes(digest);
        int from = (int) Math.min(offset, b.length);
        return Arrays.copyOfRange(b, from, (int) Math.min(b.length, from + (long) length));
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
