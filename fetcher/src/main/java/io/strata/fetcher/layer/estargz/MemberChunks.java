package io.strata.fetcher.layer.estargz;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Takes chunks out of one gzip member of an eStargz blob: inflates it once, in stream order, and hands each chunk
 * (its {@code innerOffset} into the member's stream, its size) to a {@link Sink}. Shared by the on-demand read
 * ({@link EStargzReader}) and the bulk prefetch ({@link BulkFetch}).
 */
final class MemberChunks {

    /** Where the chunks go. */
    interface Sink {
        /** Whether to stop before chunk {@code c} (nothing after it is inflated). */
        default boolean stopBefore(int c) {
            return false;
        }

        /** Chunk {@code c}'s bytes, exactly its size. */
        void accept(int c, byte[] bytes) throws IOException;
    }

    private MemberChunks() {
    }

    /**
     * Inflates the member in {@code buf[off, off + len)} and passes {@code chunks} (in stream order, without overlap:
     * {@link TocIndex} checked) to {@code sink}.
     *
     * @throws EOFException if the member's stream ends before a chunk does
     * @throws IOException  if the member is not valid gzip, or the sink throws
     */
    static void inflate(ChunkTable table, byte[] buf, int off, int len, int[] chunks, Sink sink) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(buf, off, len), 1 << 16)) {
            long position = 0;
            for (int c : chunks) {
                if (sink.stopBefore(c)) {
                    return;
                }
                in.skipNBytes(table.innerOffset[c] - position);
                byte[] bytes = in.readNBytes(table.size[c]);
                position = table.innerOffset[c] + bytes.length;
                if (bytes.length != table.size[c]) {
                    throw new EOFException("its gzip member's stream ends after " + position + " bytes");
                }
                sink.accept(c, bytes);
            }
        }
    }
}
