package io.strata.cache.chunk;

import static io.strata.cache.chunk.ChunkCacheContract.data;
import static io.strata.cache.chunk.ChunkCacheContract.keyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata cache stats|verify|prune|clear} over a directory filled by a real cache. */
final class CacheAdminTest {

    @TempDir
    Path dir;

    private final List<ChunkKey> keys = new ArrayList<>();

    /** Ten 10 kB content chunks and two range chunks (10 kB + 16-byte block table and trailer each). */
    @BeforeEach
    void fill() throws IOException {
        try (ChunkCache cache = ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0)
                .diskMaxBytes(1L << 30).build())) {
            for (int i = 0; i < 10; i++) {
                byte[] c = data(i, 10_000);
                keys.add(keyOf(c));
                cache.get(keyOf(c), () -> c);
            }
            for (int i = 0; i < 2; i++) {
                byte[] c = data(50 + i, 10_000);
                ChunkKey k = ChunkKey.ofRange("sha512:" + "0".repeat(128), i * 10_000L, 10_000);
                keys.add(k);
                cache.get(k, () -> c);
            }
        }
    }

    @Test
    void stats_filledCache_reportsSizeEntriesAndCounters() throws IOException {
        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheAdmin.Summary s = admin.stats();
            assertEquals(12, s.entries());
            assertEquals(120_192, s.sizeBytes());
            assertEquals(12, s.counters().misses());
            assertEquals(120_000, s.counters().bytesLoaded());
        }
    }

    @Test
    void verify_corruptContentAndRangeChunks_removedAndCounted() throws IOException {
        ChunkFiles files = new ChunkFiles(dir);
        DiskStoreTest.flipByte(files.pathOf(keys.get(3)), 10);
        DiskStoreTest.flipByte(files.pathOf(keys.get(11)), 9_999);
        Path foreign = Files.createDirectories(dir.resolve("chunks/zz/zz")).resolve("notes.txt");
        Files.writeString(foreign, "not a chunk");

        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheAdmin.VerifyResult r = admin.verify();
            assertEquals(13, r.checked());
            assertEquals(3, r.removed());
            assertEquals(10, admin.stats().entries());
            assertEquals(0, admin.verify().removed(), "a second verify still found bad chunks");
        }
        assertFalse(Files.exists(files.pathOf(keys.get(3))));
        assertFalse(Files.exists(foreign));
        assertTrue(Files.exists(files.pathOf(keys.get(4))));
    }

    @Test
    void prune_toHalf_removesLeastRecentlyUsedFirst() throws IOException {
        ChunkFiles files = new ChunkFiles(dir);
        long now = System.currentTimeMillis();
        for (int i = 0; i < keys.size(); i++) {
            // key 0 oldest ... key 11 newest
            Files.setLastModifiedTime(files.pathOf(keys.get(i)), FileTime.fromMillis(now - 100_000 + i * 1000L));
        }

        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheAdmin.PruneResult r = admin.prune(60_000);
            assertTrue(r.remainingBytes() <= 60_000, r.toString());
            assertEquals(r.remainingBytes(), admin.stats().sizeBytes());
            assertEquals(12, r.removedEntries() + r.remainingEntries());
        }
        assertFalse(Files.exists(files.pathOf(keys.get(0))), "oldest chunk survived");
        assertTrue(Files.exists(files.pathOf(keys.get(11))), "newest chunk pruned");
    }

    @Test
    void prune_negativeBound_rejectedNamingTheFlag() throws IOException {
        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> admin.prune(-1)).getMessage()
                    .contains("--max-size"));
        }
    }

    @Test
    void clear_filledCache_removesEveryChunkKeepsCounters() throws IOException {
        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheAdmin.PruneResult r = admin.clear();
            assertEquals(12, r.removedEntries());
            assertEquals(120_192, r.removedBytes());
            CacheAdmin.Summary s = admin.stats();
            assertEquals(0, s.entries());
            assertEquals(0, s.sizeBytes());
            assertEquals(12, s.counters().misses());
        }
        try (ChunkCache cache = ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0)
                .diskMaxBytes(1L << 30).build())) {
            assertTrue(cache.getIfPresent(keys.get(0)).isEmpty());
            byte[] c = data(0, 10_000);
            cache.get(keys.get(0), () -> c); // directories removed by clear come back
            assertTrue(cache.getIfPresent(keys.get(0)).isPresent());
        }
    }
}
