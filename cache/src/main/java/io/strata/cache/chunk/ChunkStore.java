package io.strata.cache.chunk;

import java.io.Closeable;
import java.io.IOException;

/**
 * One place chunks are kept (memory, disk, or both stacked). Knows nothing of loading: {@link LoadingChunkCache}
 * adds single flight and verification on top of any store, so one contract test covers them all.
 */
interface ChunkStore extends Closeable {

    /** The intact bytes of {@code key}, or null if absent, unreadable or corrupt (a bad copy is dropped). */
    byte[] read(ChunkKey key);

    /**
     * Starts bringing {@code key} from a slower tier into a faster one in the background, if the store has tiers
     * and the chunk is only in the slower one; never waits, never fails.
     */
    default void readAhead(ChunkKey key) {
    }

    /**
     * Copies {@code [offset, offset + length)} of chunk {@code key} (of {@code chunkLength} bytes) into {@code dst}
     * if the store holds it intact; false otherwise. A disk store reads only the part (and its blocks' checks).
     */
    default boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        return copyPart(read(key), chunkLength, offset, dst, dstOffset, length);
    }

    /** Copies the part out of a whole chunk held in memory; false if there is none or it has another length. */
    static boolean copyPart(byte[] bytes, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        if (bytes == null || bytes.length != chunkLength) {
            return false;
        }
        System.arraycopy(bytes, offset, dst, dstOffset, length);
        return true;
    }

    /** Keeps verified bytes; may decline (too big for the bound). Failing here never fails a reader. */
    void write(ChunkKey key, byte[] verified) throws IOException;

    @Override
    void close() throws IOException;
}
