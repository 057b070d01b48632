package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.Path;

/** Opens chunk caches and their administration; the entry point of this package. */
public final class ChunkCaches {

    private ChunkCaches() {
    }

    /**
     * The cache of {@code config}: a memory tier (unless its bound is 0) over the disk tier in
     * {@code config.directory()}, which other processes may use at the same time. Opening reads one small
     * file; temp clean-up and occasional recounts run in the background.
     *
     * @throws IOException naming the directory and the flag to change if it cannot be created or used
     */
    public static ChunkCache open(CacheConfig config) throws IOException {
        Counters counters = new Counters();
        DiskStore disk = DiskStore.open(config.directory(), config.diskMaxBytes(), counters);
        ChunkStore store = disk;
        if (config.memoryMaxBytes() > 0) {
            // The read-ahead ring is part of the memory bound, not on top of it.
            int slots = TieredStore.stagingSlots(config.memoryMaxBytes());
            long heapBytes = config.memoryMaxBytes() - (long) slots * StagedChunks.SLOT_PAYLOAD;
            store = new TieredStore(new MemoryStore(heapBytes, counters), disk, slots);
        }
        return new LoadingChunkCache(store, counters, "chunk cache " + config.directory());
    }

    /** A cache held in memory only, bounded to {@code maxBytes}; for tools and tests that must not touch disk. */
    public static ChunkCache inMemory(long maxBytes) {
        Counters counters = new Counters();
        return new LoadingChunkCache(new MemoryStore(maxBytes, counters), counters, "memory chunk cache");
    }

    /** Maintenance of the cache directory {@code directory} (created if missing). */
    public static CacheAdmin admin(Path directory) throws IOException {
        return new DiskAdmin(new ChunkFiles(directory));
    }
}
