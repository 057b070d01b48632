package io.strata.cache.chunk;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * A bounded cache of chunks, the only way file content reaches a reader. {@link #get} returns the chunk from
 * memory or disk, or runs the loader exactly once however many threads ask at the same time (single flight);
 * a failed load is not cached, so the next reader retries it. Bytes of a content-addressed key are checked
 * against its digest before they are cached or returned, and again whenever they are read back from disk.
 *
 * <p>The returned arrays are shared with the cache and with other readers: treat them as read-only. (Copying
 * a whole chunk for every 128 KiB FUSE read would multiply memory traffic by the chunk/read ratio.)
 *
 * <p>Implementations are thread-safe. Get one from {@link ChunkCaches}; close it to stop its background work
 * and persist its statistics.
 */
public interface ChunkCache extends Closeable {

    /** Produces the bytes of a missing chunk, e.g. range request → decompress → verify. */
    @FunctionalInterface
    interface Loader {
        /** The chunk's verified bytes; the array is handed over to the cache and must not be changed later. */
        byte[] load() throws IOException;
    }

    /**
     * The bytes of the chunk {@code key}: cached, or loaded by {@code loader} (once, shared by every concurrent
     * caller), verified, cached and returned.
     *
     * @throws ChunkDigestMismatchException if the loader's bytes do not match a content-addressed key
     * @throws IOException if the loader fails (the same failure reaches every caller waiting on that load)
     */
    byte[] get(ChunkKey key, Loader loader) throws IOException;

    /**
     * Stores chunks that were produced and verified in bulk, outside any single flight: a format that can only
     * produce its chunks together (a whole layer streamed once) publishes all of them after one verification.
     * Waits for no load in flight, so a loader may call it for other keys without risk of deadlock.
     *
     * A store that fails (full or read-only disk) is logged, never thrown: the caller has its bytes anyway.
     *
     * @throws ChunkDigestMismatchException if the bytes do not match a content-addressed key (nothing is stored)
     */
    void put(ChunkKey key, byte[] verified) throws IOException;

    /** The chunk if it is cached in memory or (intact) on disk; never loads. Counts a hit, never a miss. */
    Optional<byte[]> getIfPresent(ChunkKey key);

    /**
     * Copies {@code [offset, offset + length)} of chunk {@code key}, which is {@code chunkLength} bytes long, into
     * {@code dst} if it is cached, reading from disk only the 64 KiB blocks that hold the range (each checked):
     * for random reads, which would otherwise read a whole chunk for a few bytes. Never loads.
     *
     * @return whether the bytes were copied (false: not cached, or dropped as corrupt)
     */
    boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length);

    /**
     * A hint that {@code key} will be read soon: if it is on disk but not in memory, it is read into memory in the
     * background (bounded; hints beyond the bound are dropped). Never loads from the network, never blocks.
     */
    void readAhead(ChunkKey key);

    /** This instance's counters since it was opened (the disk tier also persists them for {@code CacheAdmin}). */
    CacheStats stats();

    /** Stops background work and writes this process's statistics to the cache directory; idempotent. */
    @Override
    void close() throws IOException;
}
