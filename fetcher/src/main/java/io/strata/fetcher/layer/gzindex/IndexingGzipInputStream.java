package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A gzip decompressing stream (all members, like {@code GzipCompressorInputStream} with concatenation on) that
 * builds the layer's {@link CheckpointIndex} as it is read: the drop-in for the whole-layer path, where the tar
 * indexer pulls the uncompressed stream. {@link #finish()} after the end of the stream (and after the blob's
 * digest was verified) returns the index. Closing closes the compressed stream and frees the native inflater.
 */
public final class IndexingGzipInputStream extends InputStream {

    private final InputStream compressed;
    private final Digest layer;
    private final GzipScanner scanner;
    private final byte[] input = new byte[64 * 1024];
    private boolean eof;
    private boolean closed;

    public IndexingGzipInputStream(InputStream compressed, Digest layer, long spanSize) throws IOException {
        this.compressed = compressed;
        this.layer = layer;
        this.scanner = new GzipScanner(spanSize);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream of gzip layer " + layer + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = scanner.inflate(b, off, len);
            } catch (IOException e) {
                throw new IOException("gzip layer " + layer + " is malformed near compressed offset "
                        + scanner.consumed() + ": " + e.getMessage(), e);
            }
            if (n > 0) {
                return n;
            }
            if (eof) {
                return -1;
            }
            int got = compressed.read(input, 0, input.length);
            if (got < 0) {
                eof = true;
                if (!scanner.complete()) {
                    throw new IOException("gzip layer " + layer + " ends in the middle of a member after "
                            + scanner.consumed() + " compressed bytes (the blob is truncated)");
                }
                return -1;
            }
            scanner.setInput(input, 0, got);
        }
    }

    /** The index of the stream read to its end. */
    public CheckpointIndex finish() throws IOException {
        if (!eof) {
            throw new IllegalStateException("read gzip layer " + layer + " to its end before asking for its index");
        }
        return scanner.finish(layer);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            scanner.close();
            compressed.close();
        }
    }
}
