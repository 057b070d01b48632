package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache as a mount uses it: a second mount fetches no layer, a cache bounded below the image size still
 * serves every file right and stays within its bound, and killing a mount process at random moments while it
 * fetches never leaves a chunk that a later read would trust.
 */
class CacheIT {

    /** The cache's eviction may overshoot its bound by one chunk (1 MiB). */
    private static final long CHUNK = 1 << 20;

    private static LocalRegistry registry;
    private static String image;
    private static Path expectedRoot;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * Three layers of incompressible data, ~12 MiB uncompressed in all:
     *   L1: data/a{0..3}.bin (1.5 MiB each)   L2: data/b{0..3}.bin   L3: data/c{0..3}.bin + .wh.a0.bin in data/
     */
    @BeforeAll
    static void pushImage() throws Exception {
        registry = LocalRegistry.start();
        TestLayout layout = new TestLayout(shared.resolve("layout"));
        for (String layer : List.of("a", "b", "c")) {
            String script = "mkdir data; for i in 0 1 2 3; do head -c 1500000 /dev/urandom > data/" + layer + "$i.bin; done"
                    + (layer.equals("c") ? "; : > data/.wh.a0.bin" : "");
            layout.addLayer(LayerTar.make(shared, layer, "pax", script), TestLayout.Compression.GZIP);
        }
        layout.finish("v1");
        Path bundle = shared.resolve("bundle");
        expectedRoot = layout.unpack(bundle);
        image = layout.pushTo(registry, "cache");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void mount_secondTime_fetchesNoLayerBytes() throws Exception {
        Path cache = work.resolve("cache");
        assertMountedTreeIsRight(cache, List.of());
        var status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mountAndStatus(cache, List.of()));
        assertEquals(3, status.path("layers").size(), status.toString());
        for (var layer : status.path("layers")) {
            assertEquals(0, layer.path("bytesFetched").asLong(), "the second mount fetched layer bytes: " + status);
            assertEquals(0, layer.path("requests").asLong(), status.toString());
        }
    }

    @Test
    void mount_cacheBoundBelowImageSize_servesEveryFileAndStaysWithinBound() throws Exception {
        Path cache = work.resolve("small-cache");
        long bound = 3 * CHUNK;
        List<String> flags = List.of("--cache-max-size", "3M");
        assertMountedTreeIsRight(cache, flags);
        assertTrue(chunkBytes(cache) <= bound + CHUNK, "cache holds " + chunkBytes(cache) + " bytes, bound " + bound);
        // A new process starts with an empty memory tier: every read that misses goes to the bounded disk tier.
        assertMountedTreeIsRight(cache, flags);
        assertTrue(chunkBytes(cache) <= bound + CHUNK, "cache holds " + chunkBytes(cache) + " bytes, bound " + bound);
    }

    @Test
    void mount_killedAtRandomMomentsWhileFetching_leavesNoBadChunk() throws Exception {
        Path cache = work.resolve("crash-cache");
        Random random = new Random(42);
        for (int round = 0; round < 8; round++) {
            Path mnt = Files.createDirectories(work.resolve("crash-mnt-" + round));
            List<String> cmd = StrataCli.command("mount", "--foreground", "--cache-dir", cache.toString(), image, mnt.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("crash.log").toFile()).start();
            try {
                Thread.sleep(300 + random.nextInt(1500));
            } finally {
                p.destroyForcibly(); // SIGKILL: no shutdown hook runs
                p.waitFor(10, TimeUnit.SECONDS);
                StrataCli.umountQuietly(mnt); // cleans the dead mount if it got that far
            }
        }
        String verify = StrataCli.run("cache", "verify", "--cache-dir", cache.toString());
        assertTrue(verify.contains(" 0 bad"), verify);
        assertMountedTreeIsRight(cache, List.of());
    }

    /** Mounts the image with this cache, compares the tree (and every byte) with umoci's unpack, unmounts. */
    private void assertMountedTreeIsRight(Path cache, List<String> flags) throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt-" + System.nanoTime()));
        try {
            StrataCli.run(args(cache, flags, mnt));
            List<String> diff = TreeSnapshot.of(mnt, true).diff(TreeSnapshot.of(expectedRoot, true), 20);
            assertTrue(diff.isEmpty(), "mounted tree differs from umoci unpack:\n" + String.join("\n", diff));
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    private String mountAndStatus(Path cache, List<String> flags) throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt-" + System.nanoTime()));
        try {
            StrataCli.run(args(cache, flags, mnt));
            return StrataCli.run("status", "--json", mnt.toString());
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    private static String[] args(Path cache, List<String> flags, Path mnt) {
        List<String> all = new java.util.ArrayList<>(List.of("mount", "--cache-dir", cache.toString()));
        all.addAll(flags);
        all.add(image);
        all.add(mnt.toString());
        return all.toArray(String[]::new);
    }

    private static long chunkBytes(Path cache) throws Exception {
        try (var files = Files.walk(cache.resolve("chunks"))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
