package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code strata record} and background prefetch end to end: a profile recorded from a real command in a chroot of
 * the mount lists the files in the order the command opened them; an image converted with that profile as its
 * prioritized files gets exactly those prefetched after mounting, without the rest; {@code --prefetch all} fetches
 * the whole image in the background.
 */
class PrefetchIT {

    private static final String COMMAND = "cat /data/a.txt /data/b.txt";
    private static final long BIG = 30_000_000;

    private static LocalRegistry registry;
    private static String image;
    private static String converted;
    private static Path profile;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * One layer: a shell and cat with the host's libraries, and
     *   data/a.txt  data/b.txt  data/big.bin (30 MB, random: never prioritized)
     * recorded, then converted to eStargz with the recorded profile first.
     */
    @BeforeAll
    static void recordAndConvert() throws Exception {
        registry = LocalRegistry.start();
        Path tar = LayerTar.make(shared, "shell", "pax", """
                mkdir -p bin data
                cp -L /usr/bin/dash bin/sh; cp -L /usr/bin/cat bin/cat
                for f in $(ldd /usr/bin/dash /usr/bin/cat | grep -oE '/[^ ]+[.]so[^ ]*' | sort -u); do
                  mkdir -p ".$(dirname "$f")"; cp -L "$f" ".$f"
                done
                echo alpha > data/a.txt; echo beta > data/b.txt
                head -c %d /dev/urandom > data/big.bin
                """.formatted(BIG));
        TestLayout layout = new TestLayout(shared.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP);
        layout.finish("v1");
        image = layout.pushTo(registry, "prefetch-src");

        profile = shared.resolve("profile.txt");
        String out = StrataCli.run("record", "--cache-dir", shared.resolve("cache-record").toString(), image,
                "--output", profile.toString(), "--", "/bin/sh", "-c", COMMAND);
        assertTrue(out.contains("alpha\nbeta\n"), "the command ran in the image: " + out);

        converted = registry.host() + "/it/prefetch-esgz:v1";
        StrataCli.run("convert", "--cache-dir", shared.resolve("cache-convert").toString(), "--prioritize",
                profile.toString(), image, converted);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void record_shellCatsTwoFiles_profileListsThemInOpenOrderOnce() throws Exception {
        List<String> lines = Files.readAllLines(profile);
        assertTrue(lines.get(0).startsWith("# strata profile of " + image + " (manifest sha256:"), lines.get(0));
        assertTrue(lines.get(0).endsWith("command: /bin/sh -c " + COMMAND), lines.get(0));
        List<String> paths = lines.subList(1, lines.size());
        assertTrue(paths.contains("/bin/sh") && paths.contains("/bin/cat"), paths.toString());
        assertTrue(paths.indexOf("/bin/sh") < paths.indexOf("/bin/cat"), paths.toString());
        assertTrue(paths.indexOf("/data/a.txt") >= 0 && paths.indexOf("/data/a.txt") < paths.indexOf("/data/b.txt"),
                paths.toString());
        assertFalse(paths.contains("/data/big.bin"), paths.toString());
        assertEquals(paths.size(), paths.stream().distinct().count(), "no duplicates: " + paths);
    }

    @Test
    void mount_prefetchPrioritized_fetchesProfiledFilesButNotTheBigOne() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache").toString(), "--prefetch", "prioritized",
                    converted, mnt.toString());
            JsonNode status = StrataCli.awaitPrefetchDone(mnt);
            JsonNode prefetch = status.path("prefetch");
            long planned = Files.readAllLines(profile).size() - 1;
            assertEquals(planned, prefetch.path("filesPlanned").asLong(), prefetch.toString());
            assertEquals(planned, prefetch.path("filesDone").asLong(), prefetch.toString());
            assertTrue(prefetch.path("bytesDone").asLong() > 0, prefetch.toString());
            JsonNode layer = status.path("layers").get(0);
            long fetched = layer.path("bytesFetched").asLong();
            assertTrue(fetched >= prefetch.path("bytesDone").asLong() / 4 && fetched < layer.path("size").asLong() / 2,
                    "fetched " + fetched + " of the " + layer.path("size").asLong() + "-byte layer: " + status);
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void mount_prefetchAll_fetchesEveryFileInTheBackground() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt-all"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache").toString(), "--prefetch", "all",
                    converted, mnt.toString());
            JsonNode status = StrataCli.awaitPrefetchDone(mnt);
            JsonNode prefetch = status.path("prefetch");
            assertEquals(prefetch.path("filesPlanned").asLong(), prefetch.path("filesDone").asLong(), prefetch.toString());
            assertEquals(prefetch.path("bytesPlanned").asLong(), prefetch.path("bytesDone").asLong(), prefetch.toString());
            assertTrue(prefetch.path("bytesDone").asLong() > BIG, prefetch.toString());
            JsonNode layer = status.path("layers").get(0);
            assertTrue(layer.path("bytesFetched").asLong() > BIG, status.toString());
            String text = StrataCli.run("status", mnt.toString());
            assertTrue(text.contains("prefetch: done (all)"), text);
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }
}
