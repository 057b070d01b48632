package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Builds a {@link CheckpointIndex} from a gzip layer's bytes pushed through it once, as they are fetched: a tee
 * target next to whatever else consumes the blob. The uncompressed stream is written to {@code uncompressed}
 * (for the tar indexer, the chunk spool, the diff_id hash), so the layer is inflated only once.
 *
 * <pre>{@code
 * try (var builder = new CheckpointIndexBuilder(layer.digest(), CheckpointIndexBuilder.DEFAULT_SPAN_SIZE, spool)) {
 *     blob.transferTo(builder);               // the source verifies the blob's digest at its end
 *     CheckpointIndex index = builder.finish(); // only after that verification
 * }
 * }</pre>
 *
 * The index is only as trustworthy as the bytes it was built from: call {@link #finish()} after the blob's
 * digest was verified, so that the span digests it records chain to the manifest. Not thread-safe.
 */
public final class CheckpointIndexBuilder extends OutputStream {

    /**
     * 1 MiB of uncompressed stream per span, the chunk size of the cache: a cold read fetches about one chunk's
     * worth of compressed bytes (4 MiB spans fetched 17.7 % of a Debian+python3 image for python3 -c, 1 MiB
     * fewer), for an index of about 3 % of the blob (the 32 KiB windows, deflated).
     */
    public static final long DEFAULT_SPAN_SIZE = 1L << 20;

    private final Digest layer;
    private final GzipScanner scanner;
    private final OutputStream uncompressed;
    private final byte[] buffer = new byte[64 * 1024];
    private boolean closed;

    /**
     * @param layer        the blob's digest, recorded in the index
     * @param spanSize     uncompressed bytes between checkpoints (at least 32 KiB)
     * @param uncompressed receives the uncompressed stream; {@link OutputStream#nullOutputStream()} when unused
     */
    public CheckpointIndexBuilder(Digest layer, long spanSize, OutputStream uncompressed) throws IOException {
        this.layer = layer;
        this.scanner = new GzipScanner(spanSize);
        this.uncompressed = uncompressed;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Consumes compressed bytes, writing what they inflate to. */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("checkpoint index builder of layer " + layer + " is closed");
        }
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int taken = scanner.setInput(b, off, len);
            off += taken;
            len -= taken;
            int n;
            while ((n = inflate()) > 0) {
                uncompressed.write(buffer, 0, n);
            }
        }
    }

    private int inflate() throws IOException {
        try {
            return scanner.inflate(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new IOException("gzip layer " + layer + " is malformed near compressed offset "
                    + scanner.consumed() + ": " + e.getMessage(), e);
        }
    }

    /** Compressed bytes consumed so far. */
    public long compressedBytes() {
        return scanner.consumed();
    }

    /**
     * The index of everything written. Call once the blob is complete and verified.
     *
     * @throws IOException when the bytes written end inside a gzip member
     */
    public CheckpointIndex finish() throws IOException {
        return scanner.finish(layer);
    }

    /** Frees the native inflater; does not close {@code uncompressed}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            scanner.close();
        }
    }
}
