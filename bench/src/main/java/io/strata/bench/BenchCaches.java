package io.strata.bench;

import io.strata.cache.chunk.CacheConfig;
import io.strata.cache.chunk.CacheStats;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the chunk caches of a benchmark, all over one cache directory, and checks afterwards that the timed
 * lookups hit the tier they were meant to measure (a silent eviction would otherwise blend two tiers).
 */
final class BenchCaches {

    /** Room per memory-tier entry beyond its bytes: the tier's own estimate is 128, this leaves a margin. */
    private static final long ENTRY_ALLOWANCE = 512;

    private final Path directory;
    private final long diskMaxBytes;

    /** @param diskMaxBytes a disk bound that holds every set of the run, so that nothing is evicted */
    BenchCaches(Path directory, long diskMaxBytes) {
        this.directory = directory;
        this.diskMaxBytes = diskMaxBytes;
    }

    /** A cache without a memory tier: every hit is a disk hit (open, read, check the trailer). */
    ChunkCache diskOnly() throws IOException {
        return open(0);
    }

    /** A cache whose memory tier holds all of {@code set} with room to spare (Caffeine evicts near its bound). */
    ChunkCache withMemoryFor(ChunkSet set) throws IOException {
        return open(set.totalBytes() + set.totalBytes() / 4 + set.size() * ENTRY_ALLOWANCE + (1 << 20));
    }

    private ChunkCache open(long memoryBytes) throws IOException {
        return ChunkCaches.open(CacheConfig.builder()
                .directory(directory)
                .memoryMaxBytes(memoryBytes)
                .diskMaxBytes(diskMaxBytes)
                .build());
    }

    /**
     * Checks the counters of a measured case.
     *
     * @param delta  the cache's counters over the case (after minus before)
     * @param memory the memory hits the case made if every lookup hit the intended tier
     * @param disk   the disk hits likewise
     * @throws IllegalStateException saying which case mixed tiers, so its numbers are not reported
     */
    static void expectHits(CacheStats delta, long memory, long disk, String what) {
        if (delta.memoryHits() != memory || delta.diskHits() != disk || delta.misses() != 0) {
            throw new IllegalStateException("benchmark case '" + what + "' expected " + memory + " memory hits, "
                    + disk + " disk hits and no miss but the cache counted " + delta + "; a tier evicted chunks"
                    + " during the case, so its numbers would mix tiers (more heap or disk space may help)");
        }
    }
}
