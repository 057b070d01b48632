package io.strata.cache.chunk;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The memory tier: a Caffeine cache bounded by the bytes it holds (a weigher), not by entry count, since chunks
 * range from a few bytes to megabytes. Caffeine's W-TinyLFU keeps frequently read chunks over one-off scans.
 */
final class MemoryStore implements ChunkStore {

    /** Rough per-entry cost beyond the payload: key, array header, Caffeine node. */
    static final int ENTRY_OVERHEAD = 128;

    private final Cache<ChunkKey, byte[]> cache;
    private final Counters counters;

    MemoryStore(long maxBytes, Counters counters) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("memory bound " + maxBytes + " is negative");
        }
        this.counters = counters;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((ChunkKey k, byte[] v) -> (int) Math.min(Integer.MAX_VALUE, (long) v.length + ENTRY_OVERHEAD))
                .build();
    }

    @Override
    public byte[] read(ChunkKey key) {
        byte[] bytes = cache.getIfPresent(key);
        if (bytes != null) {
            counters.memoryHits.increment();
        }
        return bytes;
    }

    @Override
    public void write(ChunkKey key, byte[] verified) {
        cache.put(key, verified);
    }

    /** The weight held after pending evictions ran (for tests and status output). */
    long weightedSize() {
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
