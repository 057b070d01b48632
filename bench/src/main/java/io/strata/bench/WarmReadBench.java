package io.strata.bench;

import io.strata.cache.chunk.CacheStats;
import io.strata.cache.chunk.ChunkCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the cache costs a warm sequential read: the same bytes read front to back in FUSE-sized requests from a
 * plain file (the baseline), from the disk tier (every request opens, reads and checks a whole chunk), from the
 * memory tier, and through both tiers starting with an empty memory tier (a new process over a warm disk
 * cache: the first request of each chunk reads the disk, the others hit memory).
 */
final class WarmReadBench {

    private final BenchCaches caches;
    private final Harness harness;
    private final Path plainFile;
    private final ChunkSet set;
    private final int requestSize;
    private final long requests;
    private final String pageCache;
    /** Folds a byte of every request, so that the JIT cannot drop the copies as unused. */
    private volatile long sink;

    /**
     * @param requestSize bytes per read request; divides {@code chunkSize}, as FUSE's aligned requests do
     * @param pageCache   how file reads meet the page cache, for the report
     */
    WarmReadBench(BenchCaches caches, Harness harness, Path plainFile, long totalBytes, int chunkSize,
                  int requestSize, String pageCache) {
        if (chunkSize % requestSize != 0 || totalBytes % chunkSize != 0) {
            throw new IllegalArgumentException("the read size " + totalBytes + " must be a multiple of the chunk size "
                    + chunkSize + ", which must be a multiple of the request size " + requestSize);
        }
        this.caches = caches;
        this.harness = harness;
        this.plainFile = plainFile;
        this.set = ChunkSet.of("strata-bench warm read " + chunkSize, chunkSize, (int) (totalBytes / chunkSize));
        this.requestSize = requestSize;
        this.requests = totalBytes / requestSize;
        this.pageCache = pageCache;
    }

    /** Writes the data as a plain file and as cached chunks, then measures the four ways to read it. */
    List<Report.Row> run() throws Exception {
        set.writeFile(plainFile);
        try (ChunkCache cache = caches.diskOnly()) {
            set.putAll(cache);
        }
        List<Samples> rates = new ArrayList<>();
        rates.add(harness.measure(PlainFileTrial::new, true));
        rates.add(measureDiskTier());
        rates.add(measureMemoryTier());
        rates.add(harness.measure(this::coldMemoryTrial, true));

        String[][] labels = {
            {"plain-file", "plain file (FileChannel positional reads)", pageCache},
            {"disk-tier", "ChunkCache, disk tier only (memoryMaxBytes 0)", pageCache},
            {"memory-tier", "ChunkCache, memory tier hits", "n/a"},
            {"tiered-cold-memory", "ChunkCache, empty memory tier over warm disk tier", pageCache},
        };
        double baseline = rates.get(0).median();
        List<Report.Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            Samples mbPerSecond = rates.get(i).scaled(1e-6);
            rows.add(new Report.Row("read-" + labels[i][0], List.of(labels[i][1]), mbPerSecond,
                    List.of(Report.ratio(mbPerSecond.median(), baseline * 1e-6), labels[i][2])));
        }
        return rows;
    }

    private Samples measureDiskTier() throws Exception {
        try (ChunkCache cache = caches.diskOnly()) {
            AtomicLong runs = new AtomicLong();
            CacheStats before = cache.stats();
            Samples s = harness.measure(() -> {
                runs.incrementAndGet();
                return () -> readThrough(cache);
            }, true);
            BenchCaches.expectHits(cache.stats().minus(before), 0, runs.get() * requests, "read-disk-tier");
            return s;
        }
    }

    private Samples measureMemoryTier() throws Exception {
        try (ChunkCache cache = caches.withMemoryFor(set)) {
            set.prime(cache);
            AtomicLong runs = new AtomicLong();
            CacheStats before = cache.stats();
            Samples s = harness.measure(() -> {
                runs.incrementAndGet();
                return () -> readThrough(cache);
            }, false);
            BenchCaches.expectHits(cache.stats().minus(before), runs.get() * requests, 0, "read-memory-tier");
            return s;
        }
    }

    /** A repetition with a cache opened for it alone, so that its memory tier starts empty. */
    private Harness.Trial coldMemoryTrial() throws IOException {
        ChunkCache cache = caches.withMemoryFor(set);
        return new Harness.Trial() {
            @Override
            public long run() throws IOException {
                return readThrough(cache);
            }

            @Override
            public void close() throws IOException {
                try {
                    BenchCaches.expectHits(cache.stats(), requests - set.size(), set.size(), "read-tiered-cold-memory");
                } finally {
                    cache.close();
                }
            }
        };
    }

    /** Reads every byte of the set in requests, copying each out of its chunk as a FUSE read does. */
    private long readThrough(ChunkCache cache) throws IOException {
        byte[] dst = new byte[requestSize];
        int chunkSize = set.chunkSize();
        long folded = 0;
        for (long pos = 0; pos < set.totalBytes(); pos += requestSize) {
            byte[] chunk = cache.get(set.key((int) (pos / chunkSize)), set.missing());
            System.arraycopy(chunk, (int) (pos % chunkSize), dst, 0, requestSize);
            folded += dst[requestSize - 1];
        }
        sink = folded;
        return set.totalBytes();
    }

    /** The baseline: positional reads of the plain file into a heap array, the file kept open as FUSE does. */
    private final class PlainFileTrial implements Harness.Trial {
        private final FileChannel channel;

        PlainFileTrial() throws IOException {
            channel = FileChannel.open(plainFile, StandardOpenOption.READ);
        }

        @Override
        public long run() throws IOException {
            byte[] dst = new byte[requestSize];
            ByteBuffer buf = ByteBuffer.wrap(dst);
            long total = set.totalBytes();
            long folded = 0;
            for (long pos = 0; pos < total; pos += requestSize) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (channel.read(buf, pos + buf.position()) < 0) {
                        throw new IOException(plainFile + " ended at " + (pos + buf.position()) + " of " + total
                                + " bytes; was it changed during the benchmark?");
                    }
                }
                folded += dst[requestSize - 1];
            }
            sink = folded;
            return total;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
