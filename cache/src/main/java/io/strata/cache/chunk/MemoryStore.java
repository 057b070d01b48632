package io.strata.cache.chunk;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory tier: a Caffeine cache bounded by the bytes it holds (a weigher), not by entry count, since chunks
 * range from a few bytes to megabytes, plus a window of the most recently stored chunks in plain LRU order.
 *
 * <p>Why the window: Caffeine's W-TinyLFU admits a new entry only if it was used more often than the one it would
 * evict, and its own admission window is 1 % of the bound, smaller than one 4 MiB chunk. A chunk that is read as
 * 32 FUSE requests counts 32 uses, so while a file is streamed every fresh chunk, and every chunk read ahead, lost
 * to the chunks already read and was dropped at once: {@code strata bench warm} counted each chunk file read 2.8
 * times per sequential pass. The window keeps what was just stored whatever its count; Caffeine keeps what is used
 * often (a library's hot pages over a one-off scan). Each gets half of the bound.
 */
final class MemoryStore implements ChunkStore {

    /** Rough per-entry cost beyond the payload: key, array header, Caffeine node. */
    static final int ENTRY_OVERHEAD = 128;

    private final Cache<ChunkKey, byte[]> cache;
    private final RecentWindow recent;
    private final Counters counters;

    MemoryStore(long maxBytes, Counters counters) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("memory bound " + maxBytes + " is negative");
        }
        this.counters = counters;
        this.recent = new RecentWindow(maxBytes / 2);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes - maxBytes / 2)
                .weigher((ChunkKey k, byte[] v) -> weightOf(v))
                .build();
    }

    private static int weightOf(byte[] v) {
        return (int) Math.min(Integer.MAX_VALUE, (long) v.length + ENTRY_OVERHEAD);
    }

    @Override
    public byte[] read(ChunkKey key) {
        byte[] bytes = peek(key);
        if (bytes != null) {
            counters.memoryHits.increment();
        }
        return bytes;
    }

    /** The chunk if held, without counting a hit (a second look inside one read). */
    byte[] peek(ChunkKey key) {
        byte[] bytes = recent.get(key);
        return bytes != null ? bytes : cache.getIfPresent(key);
    }

    boolean contains(ChunkKey key) {
        return recent.contains(key) || cache.asMap().containsKey(key);
    }

    @Override
    public void write(ChunkKey key, byte[] verified) {
        recent.put(key, verified);
        cache.put(key, verified);
    }

    /** The weight held after pending evictions ran (for tests and status output); a chunk in both counts twice. */
    long weightedSize() {
        cache.cleanUp();
        return recent.weight() + cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    @Override
    public void close() {
        recent.clear();
        cache.invalidateAll();
    }

    /** Least recently used chunks first out, bounded by weight; one lock, held for a map operation only. */
    private static final class RecentWindow {
        private final long maxWeight;
        private final LinkedHashMap<ChunkKey, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
        private long weight;

        RecentWindow(long maxWeight) {
            this.maxWeight = maxWeight;
        }

        synchronized byte[] get(ChunkKey key) {
            return entries.get(key);
        }

        synchronized boolean contains(ChunkKey key) {
            return entries.containsKey(key);
        }

        synchronized void put(ChunkKey key, byte[] bytes) {
            if (weightOf(bytes) > maxWeight) {
                return;
            }
            byte[] old = entries.put(key, bytes);
            weight += weightOf(bytes) - (old == null ? 0 : weightOf(old));
            var eldest = entries.entrySet().iterator();
            while (weight > maxWeight && eldest.hasNext()) {
                Map.Entry<ChunkKey, byte[]> e = eldest.next();
                weight -= weightOf(e.getValue());
                eldest.remove();
            }
        }

        synchronized long weight() {
            return weight;
        }

        synchronized void clear() {
            entries.clear();
            weight = 0;
        }
    }
}
