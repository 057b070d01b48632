package io.strata.fetcher.layer;

import io.strata.fetcher.image.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Passes bytes through to another stream while counting and hashing them (sha256): how a writer learns the digest
 * and size of the blob or tar it just wrote without reading it back. Closing it closes the wrapped stream.
 */
public final class DigestingOutputStream extends FilterOutputStream {

    private final MessageDigest digest = Digest.newSha256();
    private long count;

    public DigestingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        count += len;
    }

    /** Bytes written so far. */
    public long count() {
        return count;
    }

    /** The sha256 of everything written; call once, when writing is done. */
    public Digest digest() {
        return new Digest("sha256", HexFormat.of().formatHex(digest.digest()));
    }
}
