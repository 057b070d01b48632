package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a process that fills the cache, many times at random moments; the cache must never hold a partial or
 * unverified chunk, {@code verify} must find nothing bad, and the temp files of the dead must be cleaned.
 */
final class CrashTest {

    private static final int KILLS = 22;

    @TempDir
    Path dir;

    @Test
    void killMinus9WhileFilling_manyTimes_neverLeavesABadChunk() throws Exception {
        Random random = new Random(42);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int k = 0; k < KILLS; k++) {
            Process child = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(20, TimeUnit.SECONDS);
                assertEquals("ready", line, "child did not start (exit " + (child.isAlive() ? "-" : child.exitValue()) + ")");
                Thread.sleep(random.nextInt(300));
                assertTrue(child.isAlive(), "child exited by itself with " + (child.isAlive() ? 0 : child.exitValue()));
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks in the child
                child.waitFor(10, TimeUnit.SECONDS);
            }
            assertNotEquals(3, child.exitValue(), "the child was served wrong bytes");
        }

        // First the raw files, before any cache instance could drop a bad one on read.
        ChunkFiles files = new ChunkFiles(dir);
        for (ChunkFiles.Stored f : files.scan()) {
            try {
                files.readVerified(f.path());
            } catch (ChunkFiles.CorruptChunkException e) {
                throw new AssertionError("a crash left a bad chunk under its final name: " + e.getMessage(), e);
            }
        }

        int present = 0;
        try (ChunkCache cache = ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0)
                .diskMaxBytes(CrashChild.DISK_BOUND).build())) {
            for (int n = 0; n < CrashChild.DISTINCT_CHUNKS; n++) {
                Optional<byte[]> got = cache.getIfPresent(CrashChild.key(n));
                if (got.isPresent()) {
                    present++;
                    assertArrayEquals(CrashChild.bytes(n), got.get(), "chunk " + n);
                }
            }
        }
        assertTrue(present > 0, "the children stored nothing");

        try (CacheAdmin admin = ChunkCaches.admin(dir)) {
            CacheAdmin.VerifyResult r = admin.verify();
            assertEquals(0, r.removed(), "bad chunks after crashes: " + r);
            assertEquals(present, r.checked());
            assertTrue(admin.stats().sizeBytes() <= CrashChild.DISK_BOUND + 61_032, "over the bound: " + admin.stats());
        }
        try (var tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "temp files of killed processes left behind");
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
