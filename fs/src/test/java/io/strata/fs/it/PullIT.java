package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata pull} against a real registry: the tree it writes equals {@code umoci unpack} of the same image
 * (crafted layers of every kind, and a debootstrapped Debian), a second image that shares base layers downloads
 * only its own, and a corrupt blob fails clearly without committing a snapshot.
 */
class PullIT {

    private static LocalRegistry registry;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    /*
     * Four layers, one per compression: the kitchen sink of UnionMountIT (every entry kind, binary xattr, sparse,
     * devices, hardlinks; gzip), then its three layers of whiteouts and replacements (zstd, uncompressed, gzip).
     */
    @Test
    void pull_craftedLayersOfEveryCompression_equalsUmociUnpack() throws Exception {
        List<Path> tars = new java.util.ArrayList<>(List.of(LayerTar.make(work, "sink", "pax", UnionMountIT.KITCHEN_SINK)));
        tars.addAll(UnionMountIT.whiteoutLayers(work));
        List<TestLayout.Compression> compressions = List.of(TestLayout.Compression.GZIP, TestLayout.Compression.ZSTD,
                TestLayout.Compression.NONE, TestLayout.Compression.GZIP);
        TestLayout layout = new TestLayout(work.resolve("layout"));
        TestLayout oracle = new TestLayout(work.resolve("oracle")); // umoci 0.4 reads gzip only: same tars, gzip
        for (int i = 0; i < tars.size(); i++) {
            layout.addLayer(tars.get(i), compressions.get(i));
            oracle.addLayer(tars.get(i), TestLayout.Compression.GZIP);
        }
        layout.finish("v1");
        oracle.finish("v1");
        String image = layout.pushTo(registry, "crafted");
        Path expected = oracle.unpack(work.resolve("bundle"));

        Path rootfs = work.resolve("rootfs");
        String out = pull(image, rootfs);
        assertTrue(out.contains("4 layers (4 downloaded, 0 reused)"), out);
        assertSameTree(rootfs, expected, true);
        assertTrue(Files.notExists(rootfs.resolve("b/.wh..wh..opq")) && Files.notExists(rootfs.resolve("a/.wh.gone")));
    }

    @Test
    void pull_imageSharingBaseLayers_downloadsOnlyItsOwnLayer() throws Exception {
        Path l1 = LayerTar.make(work, "l1", "pax", "mkdir etc; echo base > etc/base; head -c 300000 /dev/urandom > blob");
        Path l2 = LayerTar.make(work, "l2", "pax", "mkdir etc; echo mid > etc/mid");
        Path l3 = LayerTar.make(work, "l3", "pax", "mkdir etc; echo top > etc/top; : > .wh.blob");
        TestLayout first = new TestLayout(work.resolve("first"));
        first.addLayer(l1, TestLayout.Compression.GZIP).addLayer(l2, TestLayout.Compression.GZIP).finish("v1");
        TestLayout second = new TestLayout(work.resolve("second"));
        second.addLayer(l1, TestLayout.Compression.GZIP).addLayer(l2, TestLayout.Compression.GZIP)
                .addLayer(l3, TestLayout.Compression.GZIP).finish("v1");
        String firstImage = first.pushTo(registry, "shared-first");
        String secondImage = second.pushTo(registry, "shared-second");
        String firstOut = pull(firstImage, work.resolve("first-rootfs"));
        assertTrue(firstOut.contains("2 layers (2 downloaded, 0 reused)"), firstOut);

        // The shared layers' blobs are corrupted in the registry: downloading either would now fail its digest.
        for (Digest shared : first.layerDigests()) {
            corrupt(registry.blobFile(shared.hex()));
        }
        Digest own = second.layerDigests().get(2);
        long ownSize = Files.size(registry.blobFile(own.hex()));
        Path rootfs = work.resolve("second-rootfs");
        String out = pull(secondImage, rootfs);
        assertTrue(out.contains("3 layers (1 downloaded, 2 reused), ") && out.contains("(" + ownSize
                + " bytes) downloaded in 1 request,"), out);
        assertEquals(List.of("base", "mid", "top"), list(rootfs.resolve("etc")));
        assertFalse(Files.exists(rootfs.resolve("blob")), "the whiteout of the third layer was not applied");

        String snapshots = strata("snapshots", "list");
        assertTrue(snapshots.contains("3 snapshots"), snapshots);
        String removed = strata("snapshots", "rm", diffIdOf(l1)); // a base layer's chain ID is its diff ID
        assertTrue(removed.contains("removed 3 snapshots"), removed); // the base, and the two stacked on it
        assertTrue(strata("snapshots", "list").contains("0 snapshots"));
    }

    @Test
    void pull_corruptBlob_failsNamingTheLayerAndCommitsNothing() throws Exception {
        Path tar = LayerTar.make(work, "only", "pax", "echo content > file; head -c 100000 /dev/urandom > noise");
        TestLayout layout = new TestLayout(work.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        String image = layout.pushTo(registry, "corrupt");
        Digest blob = layout.layerDigests().get(0);
        corrupt(registry.blobFile(blob.hex()));

        Path rootfs = work.resolve("rootfs");
        StrataCli.Result r = StrataCli.exec("pull", "--cache-dir", work.resolve("cache").toString(), image, rootfs.toString());
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("digest mismatch") && r.output().contains(blob.toString()), r.output());
        Path snapshots = work.resolve("cache/snapshots");
        assertEquals(List.of(), list(snapshots.resolve("tmp")), "a half-built snapshot was left");
        assertFalse(Files.exists(snapshots.resolve("sha256")) && !list(snapshots.resolve("sha256")).isEmpty(),
                "a snapshot of the corrupt layer was committed");
        assertFalse(Files.exists(rootfs), "the target directory was created by a failed pull");
    }

    @Test
    void pull_killedWhileDownloading_commitsNothingAndTheNextPullCleansUp() throws Exception {
        Path tar = LayerTar.make(work, "big", "pax", "head -c 60000000 /dev/urandom > big");
        TestLayout layout = new TestLayout(work.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        String image = layout.pushTo(registry, "killed");
        Path tmp = work.resolve("cache/snapshots/tmp");
        Path rootfs = work.resolve("rootfs");
        Process pull = new ProcessBuilder(StrataCli.command("pull", "--cache-dir", work.resolve("cache").toString(),
                image, rootfs.toString())).redirectErrorStream(true).redirectOutput(work.resolve("pull.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (list(tmp).isEmpty() && pull.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5); // the snapshot's directory appears when its download starts
            }
            assertTrue(pull.isAlive(), "the pull ended before it could be killed: " + Files.readString(work.resolve("pull.log")));
        } finally {
            pull.destroyForcibly().waitFor(); // SIGKILL: no clean-up code of strata runs
        }
        assertEquals(1, list(tmp).size(), "the half-built snapshot should be left in tmp/");
        assertEquals(List.of(), list(work.resolve("cache/snapshots/sha256")), "a killed pull committed a snapshot");
        assertFalse(Files.exists(rootfs));

        String out = pull(image, rootfs);
        assertTrue(out.contains("1 layer (1 downloaded, 0 reused)"), out);
        assertEquals(List.of(), list(tmp), "the next pull did not remove the leftover");
        assertEquals(60_000_000L, Files.size(rootfs.resolve("big")));
    }

    @Test
    void pull_intoAMountPoint_fillsItInPlace() throws Exception {
        Path tar = LayerTar.make(work, "small", "pax", "mkdir -p etc usr/bin; echo hi > etc/hi; echo x > usr/bin/x; chmod 4755 usr/bin/x; mkfifo fifo; ln -s etc/hi link");
        TestLayout layout = new TestLayout(work.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        String image = layout.pushTo(registry, "mountpoint");
        Path mnt = Files.createDirectories(work.resolve("tmpfs"));
        Shell.run("mount", "-t", "tmpfs", "tmpfs", mnt.toString()); // another file system: no rename onto it
        try {
            String out = pull(image, mnt);
            assertTrue(out.contains("1 layer (1 downloaded, 0 reused)"), out);
            assertEquals("hi\n", Files.readString(mnt.resolve("link")));
            assertSameTree(mnt, layout.unpack(work.resolve("bundle")), true);
        } finally {
            Shell.run("umount", mnt.toString());
        }
    }

    @Test
    void pull_debootstrapImageBuiltByUmoci_equalsUmociUnpackAndRuns() throws Exception {
        String layout = work.resolve("layout").toString();
        Shell.run("umoci", "init", "--layout", layout);
        Shell.run("umoci", "new", "--image", layout + ":base");
        Shell.run("umoci", "raw", "add-layer", "--image", layout + ":base", DebootstrapImage.rootfsTar().toString());
        // A second layer through umoci's own diff: it deletes a directory (whiteout) and adds a file.
        Path bundle = work.resolve("edit");
        Shell.run("umoci", "unpack", "--image", layout + ":base", bundle.toString());
        Shell.bash("rm -rf " + bundle + "/rootfs/usr/share/doc/apt && echo pulled > " + bundle + "/rootfs/etc/strata-test");
        Shell.run("umoci", "repack", "--image", layout + ":v1", bundle.toString());
        Shell.run("rm", "-rf", bundle.toString());
        Path expected = work.resolve("expected");
        Shell.run("umoci", "unpack", "--image", layout + ":v1", expected.toString());
        String image = registry.host() + "/it/debian-pull:v1";
        Shell.run("skopeo", "copy", "-q", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + image);

        Path rootfs = work.resolve("rootfs");
        String out = pull(image, rootfs);
        assertTrue(out.contains("2 layers (2 downloaded, 0 reused)"), out);
        assertSameTree(rootfs, expected.resolve("rootfs"), true);
        assertEquals("hi\ndpkg\n", Shell.run("chroot", rootfs.toString(), "/bin/sh", "-c",
                "echo hi && dpkg-query -W -f='${Package}\\n' dpkg"));
    }

    // --- helpers

    private String pull(String image, Path dir) throws IOException, InterruptedException {
        return strata("pull", image, dir.toString());
    }

    /** Runs strata with this test's cache directory (and so its snapshot store). */
    private String strata(String... args) throws IOException, InterruptedException {
        return StrataCli.run(Stream.concat(Stream.of(args), Stream.of("--cache-dir", work.resolve("cache").toString()))
                .toArray(String[]::new));
    }

    private static void assertSameTree(Path actual, Path expected, boolean withMtimeOfDirs) throws Exception {
        TreeSnapshot want = TreeSnapshot.of(expected, withMtimeOfDirs);
        List<String> diff = TreeSnapshot.of(actual, withMtimeOfDirs).diff(want, 40);
        assertTrue(diff.isEmpty(), "pulled tree differs from umoci unpack:\n" + String.join("\n", diff));
        assertTrue(want.facts().size() > 5, "fixture too small: " + want.facts().keySet());
    }

    /** Flips bytes in the middle of a blob the registry serves (same size, so only the digest can tell). */
    private static void corrupt(Path blob) throws IOException {
        byte[] bytes = Files.readAllBytes(blob);
        for (int i = bytes.length / 2; i < Math.min(bytes.length, bytes.length / 2 + 64); i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(blob, bytes);
    }

    private static String diffIdOf(Path tar) throws IOException {
        try (var in = Files.newInputStream(tar)) {
            return Digest.sha256(in).toString();
        }
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
