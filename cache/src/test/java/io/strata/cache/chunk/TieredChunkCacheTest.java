package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on memory over disk, as mounts use it, and what only the two tiers together do. */
final class TieredChunkCacheTest extends ChunkCacheContract {

    @TempDir
    Path tiers;

    @Override
    ChunkCache open(Path dir) throws IOException {
        return ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(16L << 20)
                .diskMaxBytes(1L << 30).build());
    }

    /** A chunk that is on disk only: written by one cache instance, which is closed (memory gone). */
    private ChunkKey onDiskOnly(byte[] chunk) throws IOException {
        try (ChunkCache first = open(tiers)) {
            first.get(keyOf(chunk), () -> chunk);
        }
        return keyOf(chunk);
    }

    @Test
    void getIfPresent_manyThreadsAtOnceOnADiskChunk_oneDiskRead() throws Exception {
        byte[] chunk = data(7, 3 << 20);
        ChunkKey key = onDiskOnly(chunk);
        int threads = 8;
        try (ChunkCache cache = open(tiers)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            try {
                List<Future<byte[]>> reads = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    reads.add(pool.submit(() -> {
                        start.await();
                        return cache.getIfPresent(key).orElseThrow();
                    }));
                }
                for (Future<byte[]> r : reads) {
                    assertArrayEquals(chunk, r.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, cache.stats().diskHits(), "the chunk file was read more than once");
        }
    }

    @Test
    void readAhead_chunkOnDisk_inMemoryBeforeItIsRead() throws Exception {
        byte[] chunk = data(8, 1 << 20);
        ChunkKey key = onDiskOnly(chunk);
        try (ChunkCache cache = open(tiers)) {
            cache.readAhead(key);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (cache.stats().diskHits() == 0) {
                if (System.nanoTime() > deadline) {
                    fail("the read-ahead never read the chunk from disk");
                }
                Thread.sleep(5);
            }
            assertArrayEquals(chunk, cache.get(key, () -> fail("read-ahead chunk loaded again")));
            assertEquals(1, cache.stats().memoryHits(), "the read was not served from memory");
            assertEquals(1, cache.stats().diskHits());
        }
    }

    @Test
    void readAhead_chunkNowhere_loadsNothing() throws Exception {
        byte[] chunk = data(9, 1000);
        try (ChunkCache cache = open(tiers)) {
            cache.readAhead(keyOf(chunk));
            Thread.sleep(50);
            assertTrue(cache.getIfPresent(keyOf(chunk)).isEmpty());
            assertEquals(0, cache.stats().misses(), "a hint counted as a load");
        }
    }

    /** A mount's cache: 64 MiB of memory, half of it the read-ahead ring of 8 staged chunks. */
    private ChunkCache openWithStaging() throws IOException {
        return ChunkCaches.open(CacheConfig.builder().directory(tiers).memoryMaxBytes(64L << 20)
                .diskMaxBytes(1L << 30).build());
    }

    private static void awaitDiskHits(ChunkCache cache, long hits) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (cache.stats().diskHits() < hits) {
            if (System.nanoTime() > deadline) {
                fail("the read-ahead never read the chunk from disk");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void readAhead_largeChunkOnDisk_partsServedFromTheRingWithoutTheDiskOrTheHeapTier() throws Exception {
        assertEquals(8, TieredStore.stagingSlots(64L << 20));
        byte[] chunk = data(10, (4 << 20) - 100);
        ChunkKey key = onDiskOnly(chunk);
        try (ChunkCache cache = openWithStaging()) {
            cache.readAhead(key);
            awaitDiskHits(cache, 1);
            byte[] part = new byte[128 << 10];
            for (int offset : new int[] {0, 1 << 20, chunk.length - part.length}) {
                assertTrue(cache.readPart(key, chunk.length, offset, part, 0, part.length));
                assertArrayEquals(Arrays.copyOfRange(chunk, offset, offset + part.length), part);
            }
            assertEquals(1, cache.stats().diskHits(), "a part was read from disk again");
            assertEquals(0, cache.stats().memoryHits(), "the chunk went through the heap tier");
            assertArrayEquals(chunk, cache.getIfPresent(key).orElseThrow(), "a whole read of a staged chunk");
        }
    }

    @Test
    void readAhead_rottenLargeChunkFile_droppedAndNeverServed() throws Exception {
        byte[] chunk = data(11, 3 << 20);
        ChunkKey key = onDiskOnly(chunk);
        Path file = new ChunkFiles(tiers).pathOf(key);
        DiskStoreTest.flipByte(file, (2 << 20) + 3);
        try (ChunkCache cache = openWithStaging()) {
            cache.readAhead(key);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.exists(file)) {
                if (System.nanoTime() > deadline) {
                    fail("the read-ahead kept the rotten chunk file");
                }
                Thread.sleep(5);
            }
            assertFalse(cache.readPart(key, chunk.length, 0, new byte[100], 0, 100), "a rotten chunk was served");
            assertTrue(cache.getIfPresent(key).isEmpty());
        }
    }
}
