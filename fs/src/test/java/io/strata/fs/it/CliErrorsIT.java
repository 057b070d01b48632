package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors a user meets first, through the real command line: each exits with the documented code (1 usage,
 * 2 runtime) and a message that says what went wrong and what to do.
 */
class CliErrorsIT {

    private static LocalRegistry registry;
    private static String image;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    @BeforeAll
    static void pushImage() throws Exception {
        registry = LocalRegistry.start();
        Path tar = LayerTar.make(shared, "small", "pax", "mkdir etc; echo hello > etc/hello");
        TestLayout layout = new TestLayout(shared.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        image = layout.pushTo(registry, "errors");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void help_onEveryCommand_exitsZero() throws Exception {
        for (List<String> cmd : List.of(List.of("--help"), List.of("mount", "--help"), List.of("umount", "--help"),
                List.of("status", "--help"), List.of("inspect", "--help"), List.of("copy", "--help"),
                List.of("cache", "--help"), List.of("cache", "stats", "--help"), List.of("pull", "--help"),
                List.of("snapshots", "--help"), List.of("snapshots", "rm", "--help"))) {
            StrataCli.Result r = StrataCli.exec(cmd.toArray(String[]::new));
            assertEquals(0, r.exitCode(), cmd + ": " + r.output());
            assertTrue(r.output().contains("Usage:"), cmd + ": " + r.output());
        }
    }

    @Test
    void mount_unknownFlagOrMissingArgument_exitsOneWithUsage() throws Exception {
        StrataCli.Result r = StrataCli.exec("mount", "--frobnicate", image, work.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("Usage:"), r.output());
        assertEquals(1, StrataCli.exec("mount", image).exitCode());
    }

    @Test
    void inspect_malformedReference_exitsOneNamingTheForm() throws Exception {
        StrataCli.Result r = StrataCli.exec("inspect", "127.0.0.1:5000/UPPER/case");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("HOST[:PORT]/NAME[:TAG]"), r.output());
    }

    @Test
    void mount_unknownTag_exitsTwoSayingNotFound() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        StrataCli.Result r = StrataCli.exec("mount", "--cache-dir", work.resolve("c").toString(),
                registry.host() + "/it/errors:nope", mnt.toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("not found"), r.output());
        assertTrue(r.output().contains("nope"), r.output());
        assertTrue(!Files.readString(Path.of("/proc/mounts")).contains(" " + mnt + " "), "left a mount behind");
    }

    @Test
    void inspect_registryUnreachable_exitsTwoSayingUnreachable() throws Exception {
        StrataCli.Result r = StrataCli.exec("inspect", "127.0.0.1:1/it/errors:v1");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("unreachable"), r.output());
    }

    @Test
    void mount_missingMountpoint_exitsTwoSayingMkdir() throws Exception {
        Path missing = work.resolve("does-not-exist");
        StrataCli.Result r = StrataCli.exec("mount", image, missing.toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("mkdir -p " + missing), r.output());
    }

    @Test
    void mount_busyMountpoint_exitsTwoSayingUmount() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("busy"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("c").toString(), image, mnt.toString());
            StrataCli.Result r = StrataCli.exec("mount", "--cache-dir", work.resolve("c").toString(), image, mnt.toString());
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("already a mount point"), r.output());
            assertEquals("hello\n", Files.readString(mnt.resolve("etc/hello")), "the first mount must keep working");
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void mount_layerCorruptedInRegistry_exitsTwoNamingTheBlobAndCachesNothing() throws Exception {
        Path tar = LayerTar.make(work, "victim", "pax", "mkdir etc; head -c 100000 /dev/urandom > etc/data");
        TestLayout layout = new TestLayout(work.resolve("victim-layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        String victim = layout.pushTo(registry, "victim");
        String layerHex;
        try (var blobs = Files.list(layout.dir().resolve("blobs/sha256"))) {
            layerHex = blobs.filter(p -> p.toFile().length() > 50_000).findFirst().orElseThrow().getFileName().toString();
        }
        Path stored = registry.blobFile(layerHex);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(stored, bytes);

        Path mnt = Files.createDirectories(work.resolve("victim-mnt"));
        Path cache = work.resolve("victim-cache");
        try {
            StrataCli.Result r = StrataCli.exec("mount", "--cache-dir", cache.toString(), victim, mnt.toString());
            assertEquals(2, r.exitCode(), r.output());
            assertTrue(r.output().contains("digest mismatch"), r.output());
            assertTrue(r.output().contains(layerHex), r.output());
            try (var cached = Files.walk(cache)) {
                assertTrue(cached.filter(Files::isRegularFile).noneMatch(p -> p.toString().contains(layerHex)),
                        "a corrupt layer must leave nothing in the cache");
            }
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void pull_nonEmptyDirectory_exitsOneBeforeDownloadingAndKeepsItsFiles() throws Exception {
        Path dir = Files.createDirectories(work.resolve("full"));
        Files.writeString(dir.resolve("mine"), "keep");
        Path cache = work.resolve("pull-cache");
        StrataCli.Result r = StrataCli.exec("pull", "--cache-dir", cache.toString(), image, dir.toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains(dir + " is not empty"), r.output());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("mine")), files.toList());
        }
        assertTrue(Files.notExists(cache.resolve("snapshots/sha256")), "a layer was downloaded for a refused pull");
    }

    @Test
    void umount_notMounted_exitsTwo() throws Exception {
        StrataCli.Result r = StrataCli.exec("umount", work.toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().toLowerCase().contains("not"), r.output());
    }
}
