package io.strata.bench;

import io.strata.cache.chunk.CacheStats;
import io.strata.cache.chunk.ChunkCache;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunk lookups per second from each tier of the cache, by chunk size and number of threads. Each chunk size
 * gets its own set of chunks, stored on disk before timing; the memory-tier cases then read them through a
 * cache whose memory tier holds the whole set, the disk-tier cases through one without a memory tier.
 */
final class LookupBench {

    /** Caps the set of small chunks: enough keys to defeat CPU caches, few enough to write quickly. */
    static final int MAX_CHUNKS = 4096;

    private final BenchCaches caches;
    private final Harness harness;
    private final long setBytes;
    private final long nanosPerRepetition;
    private final String pageCache;

    /**
     * @param setBytes  the bytes of each set (fewer for small chunks, see {@link #MAX_CHUNKS}; at least one chunk)
     * @param pageCache how disk-tier reads meet the page cache, for the report
     */
    LookupBench(BenchCaches caches, Harness harness, long setBytes, long nanosPerRepetition, String pageCache) {
        this.caches = caches;
        this.harness = harness;
        this.setBytes = setBytes;
        this.nanosPerRepetition = nanosPerRepetition;
        this.pageCache = pageCache;
    }

    /** Number of chunks of {@code chunkSize} in a set. */
    int chunksOf(int chunkSize) {
        return (int) Math.max(1, Math.min(MAX_CHUNKS, setBytes / chunkSize));
    }

    /** The rows of one chunk size: memory tier then disk tier, each for every thread count. */
    List<Report.Row> run(int chunkSize, List<Integer> threadCounts) throws Exception {
        ChunkSet set = ChunkSet.of("strata-bench lookups " + chunkSize, chunkSize, chunksOf(chunkSize));
        try (ChunkCache cache = caches.diskOnly()) {
            set.putAll(cache);
        }
        int[] order = shuffled(set.size(), chunkSize);
        List<Report.Row> rows = new ArrayList<>();
        try (ChunkCache memory = caches.withMemoryFor(set)) {
            set.prime(memory);
            for (int threads : threadCounts) {
                rows.add(measure("memory", memory, set, order, threads));
            }
        }
        try (ChunkCache disk = caches.diskOnly()) {
            for (int threads : threadCounts) {
                rows.add(measure("disk", disk, set, order, threads));
            }
        }
        return rows;
    }

    private Report.Row measure(String tier, ChunkCache cache, ChunkSet set, int[] order, int threads)
            throws Exception {
        boolean disk = tier.equals("disk");
        String id = "lookup-" + tier + "-" + set.chunkSize() + "-t" + threads;
        AtomicLong lookups = new AtomicLong();
        CacheStats before = cache.stats();
        Samples rates = harness.measure(() -> new CountingTrial(
                new LookupTrial(cache, set, order, threads, nanosPerRepetition), lookups), disk);
        CacheStats delta = cache.stats().minus(before);
        BenchCaches.expectHits(delta, disk ? 0 : lookups.get(), disk ? lookups.get() : 0, id);
        Samples mbPerSecond = rates.scaled(set.chunkSize() / 1e6);
        return new Report.Row(id,
                List.of(tier, Machine.human(set.chunkSize()), Integer.toString(threads), Integer.toString(set.size())),
                rates, List.of(Report.number(mbPerSecond.median()), disk ? pageCache : "n/a"));
    }

    /** A fixed permutation of the set's indexes, so that lookups do not follow the order the files were made. */
    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Adds the lookups of every repetition, warm-ups included, to a total the counters are checked against. */
    private record CountingTrial(Harness.Trial trial, AtomicLong total) implements Harness.Trial {
        @Override
        public long run() throws Exception {
            long n = trial.run();
            total.addAndGet(n);
            return n;
        }

        @Override
        public void close() throws Exception {
            trial.close();
        }
    }
}
