package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ChunkCache} promises; one subclass per tier arrangement. */
abstract class ChunkCacheContract {

    @TempDir
    Path dir;

    ChunkCache cache;

    /** A fresh cache; disk-backed ones live in {@code dir}. */
    abstract ChunkCache open(Path dir) throws IOException;

    @BeforeEach
    void openCache() throws IOException {
        cache = open(dir);
    }

    @AfterEach
    void closeCache() throws IOException {
        cache.close();
    }

    static byte[] data(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static ChunkKey keyOf(byte[] bytes) {
        return ChunkKey.ofContent("sha256:" + Sha256.hex(bytes));
    }

    /** Sleeps inside a loader, whose signature allows only IOException. */
    static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    static void pause(CountDownLatch latch) throws IOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    @Test
    void put_rangeKey_isServedWithoutLoading() throws IOException {
        byte[] chunk = data(7, 5_000);
        ChunkKey key = ChunkKey.ofRange("sha256:" + Sha256.hex(new byte[] {1}), 4096, chunk.length);
        cache.put(key, chunk);
        assertArrayEquals(chunk, cache.getIfPresent(key).orElseThrow());
        assertArrayEquals(chunk, cache.get(key, () -> fail("a put chunk must not be loaded")));
    }

    @Test
    void put_wrongBytesForContentKey_throwsAndStoresNothing() throws IOException {
        byte[] chunk = data(8, 5_000);
        ChunkKey key = keyOf(chunk);
        assertThrows(ChunkDigestMismatchException.class, () -> cache.put(key, data(9, 5_000)));
        assertTrue(cache.getIfPresent(key).isEmpty());
    }

    @Test
    void get_missingChunk_loadsAndReturnsBytes() throws IOException {
        byte[] chunk = data(1, 10_000);
        AtomicInteger loads = new AtomicInteger();

        byte[] got = cache.get(keyOf(chunk), () -> {
            loads.incrementAndGet();
            return chunk.clone();
        });

        assertArrayEquals(chunk, got);
        assertEquals(1, loads.get());
        assertEquals(1, cache.stats().misses());
        assertEquals(chunk.length, cache.stats().bytesLoaded());
    }

    @Test
    void get_cachedChunk_doesNotCallLoaderAgain() throws IOException {
        byte[] chunk = data(2, 5_000);
        cache.get(keyOf(chunk), () -> chunk.clone());

        byte[] again = cache.get(keyOf(chunk), () -> fail("loader called for a cached chunk"));

        assertArrayEquals(chunk, again);
        assertEquals(1, cache.stats().hits());
        assertEquals(2L * chunk.length, cache.stats().bytesServed());
    }

    @Test
    void get_rangeKey_roundTripsAnyBytes() throws IOException {
        ChunkKey key = ChunkKey.ofRange("sha256:" + "ab".repeat(32), 4096, 777);
        byte[] chunk = data(3, 12_345);
        cache.get(key, () -> chunk.clone());

        assertArrayEquals(chunk, cache.get(key, () -> fail("loader called for a cached range")));
    }

    @Test
    void get_emptyChunk_roundTrips() throws IOException {
        byte[] empty = new byte[0];
        cache.get(keyOf(empty), () -> new byte[0]);

        assertArrayEquals(empty, cache.getIfPresent(keyOf(empty)).orElseThrow());
    }

    @Test
    void get_loaderFails_failureNotCachedAndNextGetRetries() throws IOException {
        byte[] chunk = data(4, 1_000);
        ChunkKey key = keyOf(chunk);

        IOException e = assertThrows(IOException.class, () -> cache.get(key, () -> {
            throw new IOException("registry said 503");
        }));
        assertEquals("registry said 503", e.getMessage());
        assertTrue(cache.getIfPresent(key).isEmpty());

        assertArrayEquals(chunk, cache.get(key, () -> chunk.clone()));
        assertEquals(2, cache.stats().misses());
        assertEquals(1, cache.stats().loadFailures());
    }

    @Test
    void get_bytesNotMatchingContentKey_throwsMismatchAndCachesNothing() {
        byte[] chunk = data(5, 2_000);
        ChunkKey key = keyOf(chunk);
        byte[] wrong = chunk.clone();
        wrong[1000] ^= 1;

        ChunkDigestMismatchException e = assertThrows(ChunkDigestMismatchException.class,
                () -> cache.get(key, () -> wrong));

        assertEquals(key.contentDigest().orElseThrow(), e.expected());
        assertEquals("sha256:" + Sha256.hex(wrong), e.actual());
        assertTrue(cache.getIfPresent(key).isEmpty());
    }

    @Test
    void get_loaderReturnsNull_throwsNamingTheChunk() {
        ChunkKey key = keyOf(data(6, 10));

        IOException e = assertThrows(IOException.class, () -> cache.get(key, () -> null));

        assertTrue(e.getMessage().contains(key.toString()), e.getMessage());
    }

    @Test
    void getIfPresent_absentChunk_emptyAndNotCountedAsMiss() {
        assertTrue(cache.getIfPresent(keyOf(data(7, 10))).isEmpty());
        assertEquals(0, cache.stats().misses());
    }

    @Test
    void get_64ThreadsOnOverlappingChunks_eachChunkLoadedOnceAndAllBytesRight() throws Exception {
        int chunkCount = 24;
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < chunkCount; i++) {
            chunks.add(data(100 + i, 20_000 + i * 1_000));
        }
        ConcurrentHashMap<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < chunkCount; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new Random(seed));
                    start.await();
                    int ok = 0;
                    for (int i : order) {
                        byte[] expected = chunks.get(i);
                        byte[] got = cache.get(keyOf(expected), () -> {
                            loads.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
                            pause(20); // a slow fetch widens the window for duplicate loads
                            return expected.clone();
                        });
                        ok += java.util.Arrays.equals(expected, got) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertEquals(chunkCount, r.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < chunkCount; i++) {
            assertEquals(1, loads.get(i).get(), "loads of chunk " + i);
        }
        assertEquals(chunkCount, cache.stats().misses());
    }

    @Test
    void get_waitersOfAFailingLoad_allFailThenNextReaderRetries() throws Exception {
        byte[] chunk = data(8, 3_000);
        ChunkKey key = keyOf(chunk);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> leader = pool.submit(() -> cache.get(key, () -> {
                loading.countDown();
                pause(release);
                throw new IOException("connection reset");
            }));
            assertTrue(loading.await(5, TimeUnit.SECONDS));
            Future<?> waiter = pool.submit(() -> cache.get(key, () -> fail("second load while the first ran")));
            Thread.sleep(50); // let the waiter join the flight
            release.countDown();

            assertTrue(assertThrows(java.util.concurrent.ExecutionException.class, leader::get).getCause()
                    .getMessage().contains("connection reset"));
            assertTrue(assertThrows(java.util.concurrent.ExecutionException.class, waiter::get).getCause()
                    .getMessage().contains("connection reset"));
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(chunk, cache.get(key, () -> chunk.clone()));
    }

    @Test
    void get_nullArguments_rejected() {
        assertThrows(NullPointerException.class, () -> cache.get(null, () -> new byte[0]));
        assertThrows(NullPointerException.class, () -> cache.get(keyOf(new byte[0]), null));
    }

    @Test
    void get_sameKeyTwice_returnsEqualBytes() throws IOException {
        byte[] chunk = data(9, 100);
        byte[] first = cache.get(keyOf(chunk), () -> chunk);
        assertSame(chunk, first); // the loader's array is handed over, not copied
        assertArrayEquals(chunk, cache.get(keyOf(chunk), () -> fail("reloaded")));
    }
}
