package io.strata.fetcher.layer.estargz;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Test-only blobs in memory that count range requests and can serve other bytes at one offset (tampering). */
final class RangeSource implements BlobSource {
    final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
    final AtomicLong ranges = new AtomicLong();
    final AtomicLong rangeBytes = new AtomicLong();
    final AtomicLong opens = new AtomicLong();
    /** Served instead of the blob's bytes by a range request starting at {@link #tamperedOffset}. */
    volatile byte[] tampered;
    volatile long tamperedOffset = -1;

    Digest put(byte[] bytes) {
        Digest d = Digest.sha256(bytes);
        blobs.put(d, bytes);
        return d;
    }

    @Override
    public String describe() {
        return "test ranges";
    }

    @Override
    public FetchedManifest manifest(String reference) throws NotFoundException {
        throw new NotFoundException("no manifests in " + describe());
    }

    @Override
    public long blobSize(Digest digest) throws NotFoundException {
        return bytes(digest).length;
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize) throws NotFoundException {
        opens.incrementAndGet();
        return new ByteArrayInputStream(bytes(digest));
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws NotFoundException {
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
