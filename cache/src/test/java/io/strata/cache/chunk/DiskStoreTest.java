package io.strata.cache.chunk;

import static io.strata.cache.chunk.ChunkCacheContract.data;
import static io.strata.cache.chunk.ChunkCacheContract.keyOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the disk tier does: layout, corruption, persistence, sharing, bound and eviction, temp clean-up. */
final class DiskStoreTest {

    @TempDir
    Path dir;

    private ChunkCache disk(long maxBytes) throws IOException {
        return ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0).diskMaxBytes(maxBytes).build());
    }

    private long bytesOnDisk() throws IOException {
        return new ChunkFiles(dir).scan().stream().mapToLong(ChunkFiles.Stored::size).sum();
    }

    @Test
    void write_contentChunk_storedAsBytesAndTrailerUnderTwoLevelFanOut() throws IOException {
        byte[] chunk = data(1, 4_000);
        ChunkKey key = keyOf(chunk);
        try (ChunkCache cache = disk(1 << 20)) {
            cache.get(key, () -> chunk);
        }
        String hex = key.contentDigest().orElseThrow().substring("sha256:".length());

        Path file = dir.resolve("chunks").resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4))
                .resolve("sha256-" + hex);

        byte[] stored = Files.readAllBytes(file);
        assertArrayEquals(chunk, Arrays.copyOf(stored, chunk.length));
        ByteBuffer tail = ByteBuffer.wrap(stored, chunk.length, stored.length - chunk.length);
        assertEquals(4 + 12, tail.remaining(), "one block's CRC and the trailer");
        CRC32C crc = new CRC32C();
        crc.update(chunk);
        assertEquals((int) crc.getValue(), tail.getInt(), "CRC-32C of the only block");
        assertEquals(chunk.length, tail.getInt(), "payload length");
        tail.getInt(); // CRC of the table
        assertEquals(0x53434332, tail.getInt(), "magic SCC2");
        try (var tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "temp files left behind");
        }
    }

    @Test
    void get_corruptContentFileOnDisk_deletedReloadedNeverReturned() throws IOException {
        byte[] chunk = data(2, 8_000);
        ChunkKey key = keyOf(chunk);
        try (ChunkCache cache = disk(1 << 20)) {
            cache.get(key, () -> chunk);
        }
        Path file = new ChunkFiles(dir).pathOf(key);
        flipByte(file, 1234);
        AtomicInteger loads = new AtomicInteger();

        try (ChunkCache cache = disk(1 << 20)) {
            assertTrue(cache.getIfPresent(key).isEmpty(), "a corrupt chunk was returned");
            byte[] got = cache.get(key, () -> {
                loads.incrementAndGet();
                return chunk.clone();
            });
            assertArrayEquals(chunk, got);
        }
        assertEquals(1, loads.get());
        assertArrayEquals(chunk, Arrays.copyOf(Files.readAllBytes(file), chunk.length),
                "the file was not replaced by a good copy");
    }

    @Test
    void get_fileOfTheOlderLayoutWithoutTrailer_droppedAndReloaded() throws IOException {
        byte[] chunk = data(6, 8_000);
        ChunkKey key = keyOf(chunk);
        Path file = new ChunkFiles(dir).pathOf(key);
        Files.createDirectories(file.getParent());
        Files.write(file, chunk); // what strata wrote before chunk files had a trailer

        try (ChunkCache cache = disk(1 << 20)) {
            assertTrue(cache.getIfPresent(key).isEmpty(), "a file without trailer was trusted");
            assertArrayEquals(chunk, cache.get(key, () -> chunk.clone()));
        }
        assertEquals(chunk.length + ChunkFileFormat.tailLength(chunk.length), Files.size(file), "not rewritten in the new layout");
    }

    @Test
    void get_largeChunkIntactOrCut_servedOrReloaded() throws IOException {
        byte[] chunk = data(7, (4 << 20) + 123); // large enough to be read with O_DIRECT, not a multiple of 4096
        ChunkKey key = keyOf(chunk);
        try (ChunkCache cache = disk(64 << 20)) {
            cache.get(key, () -> chunk);
        }
        try (ChunkCache cache = disk(64 << 20)) {
            assertArrayEquals(chunk, cache.getIfPresent(key).orElseThrow(), "an intact large chunk was not served");
        }
        Path file = new ChunkFiles(dir).pathOf(key);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3 << 20);
        }
        try (ChunkCache cache = disk(64 << 20)) {
            assertTrue(cache.getIfPresent(key).isEmpty(), "a cut large chunk was returned");
        }
    }

    @Test
    void readPart_ofALargeChunk_readsTheBlocksAndDetectsARottenOne() throws IOException {
        byte[] chunk = data(8, (4 << 20) + 5);
        ChunkKey key = keyOf(chunk);
        try (ChunkCache cache = disk(64 << 20)) {
            cache.get(key, () -> chunk);
        }
        byte[] part = new byte[10_000];
        try (ChunkCache cache = disk(64 << 20)) {
            // across the boundary of blocks 1 and 2, and the short last block
            assertTrue(cache.readPart(key, chunk.length, 2 * 65_536 - 5_000, part, 0, 10_000));
            assertArrayEquals(Arrays.copyOfRange(chunk, 2 * 65_536 - 5_000, 2 * 65_536 + 5_000), part);
            assertTrue(cache.readPart(key, chunk.length, chunk.length - 3, part, 0, 3));
            assertArrayEquals(Arrays.copyOfRange(chunk, chunk.length - 3, chunk.length), Arrays.copyOf(part, 3));
            assertEquals(2, cache.stats().diskHits());
        }
        Path file = new ChunkFiles(dir).pathOf(key);
        flipByte(file, 3 * 65_536 + 7); // block 3
        try (ChunkCache cache = disk(64 << 20)) {
            assertTrue(cache.readPart(key, chunk.length, 0, part, 0, 100), "an intact block was refused");
            assertFalse(cache.readPart(key, chunk.length, 3 * 65_536, part, 0, 100), "a rotten block was served");
            assertFalse(Files.exists(file), "the rotten chunk file was kept");
        }
    }

    @Test
    void get_truncatedRangeFile_reloaded() throws IOException {
        ChunkKey key = ChunkKey.ofRange("sha256:" + "cd".repeat(32), 0, 100);
        byte[] chunk = data(3, 8_000);
        try (ChunkCache cache = disk(1 << 20)) {
            cache.get(key, () -> chunk);
        }
        Path file = new ChunkFiles(dir).pathOf(key);
        assertEquals(chunk.length + ChunkFileFormat.tailLength(chunk.length), Files.size(file));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(5_000);
        }

        try (ChunkCache cache = disk(1 << 20)) {
            assertTrue(cache.getIfPresent(key).isEmpty(), "a truncated chunk was returned");
            assertArrayEquals(chunk, cache.get(key, () -> chunk.clone()));
        }
    }

    @Test
    void open_secondInstanceOnSameDirectory_servesWithoutLoading() throws IOException {
        byte[] chunk = data(4, 3_000);
        try (ChunkCache first = disk(1 << 20)) {
            first.get(keyOf(chunk), () -> chunk);
        }

        try (ChunkCache second = disk(1 << 20)) {
            assertArrayEquals(chunk, second.get(keyOf(chunk), () -> fail("chunk lost across restart")));
            assertEquals(1, second.stats().diskHits());
        }
    }

    @Test
    void write_twoCachesOnOneDirectoryConcurrently_totalsMatchTheFiles() throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            chunks.add(data(100 + i, 5_000 + 100 * i));
        }
        try (ChunkCache a = disk(1L << 30); ChunkCache b = disk(1L << 30)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    ChunkCache c = t % 2 == 0 ? a : b;
                    done.add(pool.submit(() -> {
                        for (byte[] chunk : chunks) {
                            assertArrayEquals(chunk, c.get(keyOf(chunk), () -> chunk.clone()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        long expected = chunks.stream().mapToLong(c -> c.length + ChunkFileFormat.tailLength(c.length)).sum();

        Ledger.State s = new Ledger(dir.resolve("ledger"), st -> fail("ledger unreadable")).snapshot();

        assertEquals(expected, bytesOnDisk());
        assertEquals(expected, s.usedBytes);
        assertEquals(chunks.size(), s.entries);
    }

    @Test
    void write_boundBelowDataSize_servesEveryChunkAndStaysWithinBoundPlusOneChunk() throws Exception {
        int chunkSize = 64 * 1024;
        long bound = 1L << 20; // 16 chunks; the data is 48
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            chunks.add(data(200 + i, chunkSize));
        }
        try (ChunkCache cache = disk(bound)) {
            for (int round = 0; round < 2; round++) {
                for (byte[] chunk : chunks) {
                    assertArrayEquals(chunk, cache.get(keyOf(chunk), () -> chunk.clone()));
                    long used = bytesOnDisk();
                    assertTrue(used <= bound + chunkSize, "disk use " + used + " over bound " + bound);
                }
            }
            assertTrue(cache.stats().misses() > 48, "nothing was evicted");
        }
    }

    @Test
    void write_fullCache_evictsLeastRecentlyUsedFirst() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            chunks.add(data(300 + i, 10_000));
        }
        ChunkFiles files = new ChunkFiles(dir);
        long bound = 5 * (10_000 + ChunkFileFormat.tailLength(10_000)); // exactly five chunk files
        try (ChunkCache cache = disk(bound)) {
            for (int i = 0; i < 5; i++) {
                byte[] c = chunks.get(i);
                cache.get(keyOf(c), () -> c);
            }
            long now = System.currentTimeMillis();
            // A (0) was used just now; B..E (1..4) long ago, B the longest.
            for (int i = 1; i < 5; i++) {
                Files.setLastModifiedTime(files.pathOf(keyOf(chunks.get(i))), FileTime.fromMillis(now - 1_000_000 + i * 1000L));
            }
            byte[] f = chunks.get(5);
            cache.get(keyOf(f), () -> f);
        }

        assertTrue(Files.exists(files.pathOf(keyOf(chunks.get(0)))), "the most recently used chunk was evicted");
        assertFalse(Files.exists(files.pathOf(keyOf(chunks.get(1)))), "the least recently used chunk survived");
        assertTrue(Files.exists(files.pathOf(keyOf(chunks.get(5)))), "the new chunk was not stored");
        assertTrue(bytesOnDisk() <= bound);
    }

    @Test
    void write_chunkLargerThanTheBound_servedButNotStored() throws IOException {
        byte[] big = data(5, 20_000);
        try (ChunkCache cache = disk(10_000)) {
            assertArrayEquals(big, cache.get(keyOf(big), () -> big));
        }
        assertEquals(0, bytesOnDisk());
    }

    @Test
    void open_boundBelowWhatIsOnDisk_shrinksInTheBackground() throws IOException {
        try (ChunkCache cache = disk(1L << 20)) {
            for (int i = 0; i < 20; i++) {
                byte[] c = data(400 + i, 30_000);
                cache.get(keyOf(c), () -> c);
            }
        }
        assertEquals(20 * (30_000 + ChunkFileFormat.tailLength(30_000)), bytesOnDisk());

        disk(200_000).close(); // close waits for the start-up maintenance

        assertTrue(bytesOnDisk() <= 200_000, "still " + bytesOnDisk() + " bytes");
    }

    @Test
    void open_staleTempFiles_onlyDeadOrOldChunkTempsRemoved() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path deadOwner = Files.createFile(tmp.resolve("strata-chunk." + p.pid() + ".ab12.tmp"));
        Path oldOwnedByUs = Files.createFile(tmp.resolve("strata-chunk." + ProcessHandle.current().pid() + ".cd.tmp"));
        Files.setLastModifiedTime(oldOwnedByUs, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Path freshOwnedByUs = Files.createFile(tmp.resolve("strata-chunk." + ProcessHandle.current().pid() + ".ef.tmp"));
        Files.setLastModifiedTime(freshOwnedByUs, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        Path fileStoreTemp = Files.createFile(tmp.resolve("index.123456.part"));
        Files.setLastModifiedTime(fileStoreTemp, FileTime.fromMillis(System.currentTimeMillis() - 120_000));

        disk(1 << 20).close();

        assertFalse(Files.exists(deadOwner), "temp of a dead process kept");
        assertFalse(Files.exists(oldOwnedByUs), "temp older than an hour kept");
        assertTrue(Files.exists(freshOwnedByUs), "a live process's temp of a few minutes removed");
        assertTrue(Files.exists(fileStoreTemp), "FileStore's temp file touched");
    }

    @Test
    void close_countersPersistedAndSummedAcrossInstances() throws IOException {
        byte[] chunk = data(6, 1_000);
        try (ChunkCache a = disk(1 << 20)) {
            a.get(keyOf(chunk), () -> chunk);
        }
        try (ChunkCache b = disk(1 << 20)) {
            b.get(keyOf(chunk), () -> fail("reloaded"));
            b.get(keyOf(chunk), () -> fail("reloaded"));
        }

        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheStats s = admin.stats().counters();
            assertEquals(1, s.misses());
            assertEquals(2, s.diskHits());
            assertEquals(1_000, s.bytesLoaded());
            assertEquals(3_000, s.bytesServed());
        }
    }

    static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
    }
}
