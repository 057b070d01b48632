package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata index} on one host makes an unmodified gzip image lazy on every other: after the index is published,
 * a mount with an empty cache serves the layers through it and a small file costs a small part of its layer.
 */
class PublishedIndexIT {

    private static LocalRegistry registry;
    private static String image;
    private static Path expectedRoot;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * Two gzip layers:
     *   L1 (~40 MB of base64 text, ~30 MB gzipped): big/f0.txt .. big/f9.txt, and big/f5-small.txt in the middle
     *   L2: etc/hostname, and big/.wh.f9.txt deleting f9 of L1
     */
    @BeforeAll
    static void pushImage() throws Exception {
        registry = LocalRegistry.start();
        TestLayout layout = new TestLayout(shared.resolve("layout"));
        layout.addLayer(LayerTar.make(shared, "big", "pax",
                "mkdir big; for i in 0 1 2 3 4 5 6 7 8 9; do head -c 3000000 /dev/urandom | base64 > big/f$i.txt; done;"
                        + " echo 'small file in the middle of the layer' > big/f5-small.txt"),
                TestLayout.Compression.GZIP);
        layout.addLayer(LayerTar.make(shared, "top", "pax", "mkdir etc big; echo strata > etc/hostname; : > big/.wh.f9.txt"),
                TestLayout.Compression.GZIP);
        layout.finish("v1");
        Path bundle = shared.resolve("bundle");
        expectedRoot = layout.unpack(bundle);
        image = layout.pushTo(registry, "published");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void mount_emptyCacheAfterStrataIndex_servesGzipLayersLazilyAndRight() throws Exception {
        String indexed = StrataCli.run("index", "--cache-dir", work.resolve("indexer-cache").toString(), image);
        assertEquals(2, indexed.lines().filter(l -> l.matches("layer \\d/2 sha256:\\w+ indexed: .*")).count(), indexed);
        assertTrue(indexed.contains("published lazy index sha256:"), indexed);

        // Nothing chains a published index to the manifest: without the user's trust it is not used.
        Path untrusting = Files.createDirectories(work.resolve("mnt-untrusting"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("untrusting-cache").toString(), image, untrusting.toString());
            for (JsonNode layer : StrataCli.status(untrusting).path("layers")) {
                assertEquals("whole", layer.path("format").asText(), layer.toString());
            }
        } finally {
            StrataCli.umountQuietly(untrusting);
        }

        Path cache = work.resolve("fresh-cache");
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--trust-published-index", "--cache-dir", cache.toString(), image, mnt.toString());
            JsonNode before = StrataCli.status(mnt);
            for (JsonNode layer : before.path("layers")) {
                assertEquals("indexed-gzip", layer.path("format").asText(), before.toString());
            }

            assertEquals("small file in the middle of the layer\n", Files.readString(mnt.resolve("big/f5-small.txt")));

            JsonNode bottom = StrataCli.status(mnt).path("layers").get(0);
            long fetched = bottom.path("bytesFetched").asLong();
            long size = bottom.path("size").asLong();
            assertTrue(size > 25_000_000, "the layer is smaller than planned: " + size);
            assertTrue(fetched > 0 && fetched < size * 15 / 100,
                    "reading one small file fetched " + fetched + " bytes of the " + size + "-byte layer");

            List<String> diff = TreeSnapshot.of(mnt, true).diff(TreeSnapshot.of(expectedRoot, true), 20);
            assertTrue(diff.isEmpty(), "mounted tree differs from umoci unpack:\n" + String.join("\n", diff));
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void index_noPush_keepsTheIndexLocalAndPublishesNothing() throws Exception {
        Path cache = work.resolve("local-cache");

        String out = StrataCli.run("index", "--no-push", "--cache-dir", cache.toString(), image);

        assertTrue(out.contains("not published (--no-push)"), out);
        try (var files = Files.list(cache.resolve("gzindex"))) {
            assertEquals(2, files.count());
        }
    }
}
