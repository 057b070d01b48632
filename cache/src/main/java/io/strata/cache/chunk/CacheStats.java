package io.strata.cache.chunk;

/**
 * Counters of a chunk cache. A <em>miss</em> is one run of a loader (concurrent readers of one missing chunk
 * make one miss); a hit is a chunk served from memory or disk.
 *
 * @param memoryHits   chunks served from the memory tier
 * @param diskHits     chunks served from the disk tier
 * @param misses       loader runs
 * @param loadFailures loader runs that failed or returned bytes that did not match the key
 * @param bytesLoaded  bytes produced by successful loads (what had to be fetched)
 * @param bytesServed  bytes returned to callers
 */
public record CacheStats(long memoryHits, long diskHits, long misses, long loadFailures, long bytesLoaded,
                         long bytesServed) {

    /** All zeros. */
    public static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0);

    /** Hits of either tier. */
    public long hits() {
        return memoryHits + diskHits;
    }

    /** Hits over lookups that reached a tier or a loader, 0 when there were none. */
    public double hitRatio() {
        long total = hits() + misses;
        return total == 0 ? 0 : (double) hits() / total;
    }

    /** Field-wise sum. */
    public CacheStats plus(CacheStats o) {
        return new CacheStats(memoryHits + o.memoryHits, diskHits + o.diskHits, misses + o.misses,
                loadFailures + o.loadFailures, bytesLoaded + o.bytesLoaded, bytesServed + o.bytesServed);
    }

    /** Field-wise difference. */
    public CacheStats minus(CacheStats o) {
        return new CacheStats(memoryHits - o.memoryHits, diskHits - o.diskHits, misses - o.misses,
                loadFailures - o.loadFailures, bytesLoaded - o.bytesLoaded, bytesServed - o.bytesServed);
    }

    long[] toArray() {
        return new long[] {memoryHits, diskHits, misses, loadFailures, bytesLoaded, bytesServed};
    }

    static CacheStats fromArray(long[] a) {
        return new CacheStats(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}
