package io.strata.cache.chunk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Maintenance of a cache directory for {@code strata cache stats|verify|prune|clear}. Every operation is safe
 * while mounts in other processes use the same directory: deletions take the directory's ledger lock, and a
 * reader that loses a chunk to them simply fetches it again.
 */
public interface CacheAdmin extends Closeable {

    /**
     * What a cache directory holds and how it served.
     *
     * @param sizeBytes bytes of chunk files on disk (counted now)
     * @param entries   chunk files on disk (counted now)
     * @param counters  hits, misses and bytes of every process that used the directory, as of their last flush
     *                  (every few seconds and at close)
     */
    record Summary(Path directory, long sizeBytes, long entries, CacheStats counters) {
    }

    /**
     * @param checked           chunk files re-hashed
     * @param bytesChecked      their size
     * @param removed           files that failed and were deleted
     * @param tempFilesRemoved  unfinished temp files of stopped processes deleted
     */
    record VerifyResult(long checked, long bytesChecked, long removed, int tempFilesRemoved) {
    }

    /** Outcome of {@link #prune} or {@link #clear}. */
    record PruneResult(long removedEntries, long removedBytes, long remainingEntries, long remainingBytes) {
    }

    Summary stats() throws IOException;

    /** Re-hashes every chunk, deletes those that do not match, cleans stale temp files, recounts the totals. */
    VerifyResult verify() throws IOException;

    /** Evicts least recently used chunks until at most {@code maxBytes} remain on disk. */
    PruneResult prune(long maxBytes) throws IOException;

    /** Deletes every chunk; statistics are kept (like {@code ccache -C}). */
    PruneResult clear() throws IOException;

    @Override
    void close() throws IOException;
}
