package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata mount --writable} against kernel overlayfs as the oracle: the same shell script of the file
 * operations containers do (sed -i, rm -rf and mv of image directories, hardlinks across copy-up, chmod/chown/touch,
 * mkfifo, mknod, symlinks, truncate, append, user/trusted/security xattrs, files unlinked while open...) runs in a strata writable mount of a two-layer image and in a kernel
 * {@code overlay} mount whose lower directory is {@code umoci unpack} of the same image; then both trees must be
 * equal file by file ({@link TreeSnapshot}). After an unmount and a remount on the same upper directory the tree
 * is the same again, and {@code upper/} holds the OCI whiteouts the changes imply.
 *
 * <p>What is not compared, and why: inode numbers, link counts, directory sizes and atime/ctime (never part of a
 * {@link TreeSnapshot}: they legitimately differ between filesystems); mtimes that the script set to "now"
 * ({@link TreeSnapshot#withRecentMtimes}: the two runs happen seconds apart), while kept and explicitly set times
 * are compared. Kernel overlayfs runs with {@code index=off,redirect_dir=off,metacopy=off}, the behaviour strata
 * implements (hardlinks split on copy-up; renaming an image directory is EXDEV, so {@code mv} copies it).
 */
class WritableMountIT {

    private static LocalRegistry registry;
    private static String image;
    private static Path layout;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * Layer 1:
     *   etc/{config, motd, secret (1234:1234), owned, timed, mtime-only, xattr-file (user.old)}
     *   usr/share/tree/{f1..f50, sub/deeper/d, sub/link -> f1, sub/hard = f1}
     *   opt/app/ (2755, 1000:1000) lib/libx.so, bin/run (0755)
     *   hl/a = hl/b (hardlinks)   data/{append (2.6 MB), big, small, sparse (10 MiB, 4 bytes of data)}
     *   dev/lowerdev (char 1,5)
     *   dangling -> /nonexistent   emptydir/   opaque-me/{o, inner/i}   keep/k   run/
     *   every time 2001-02-03 04:05:06
     * Layer 2: etc/added, keep/.wh.k (deletes keep/k)
     */
    private static final String LAYER1 = """
            mkdir -p etc usr/share/tree/sub/deeper opt/app/lib opt/app/bin hl data run dev emptydir opaque-me/inner keep
            printf 'key=old\\nother=1\\n' > etc/config
            echo motd > etc/motd; echo secret > etc/secret; echo owned > etc/owned; echo timed > etc/timed
            echo m > etc/mtime-only; echo x > etc/xattr-file; setfattr -n user.old -v 1 etc/xattr-file
            for i in $(seq 1 50); do echo $i > usr/share/tree/f$i; done
            echo d > usr/share/tree/sub/deeper/d; ln -s f1 usr/share/tree/sub/link
            ln usr/share/tree/f1 usr/share/tree/sub/hard
            echo lib > opt/app/lib/libx.so; printf '#!/bin/sh\\n' > opt/app/bin/run; chmod 755 opt/app/bin/run
            chown -R 1000:1000 opt/app; chmod 2755 opt/app; chown 1234:1234 etc/secret
            echo linked > hl/a; ln hl/a hl/b
            seq 1 400000 > data/append; seq 1 100000 > data/big; echo small > data/small
            truncate -s 10M data/sparse; printf data | dd of=data/sparse bs=1 seek=5000000 conv=notrunc status=none
            mknod dev/lowerdev c 1 5; ln -s /nonexistent dangling
            echo i > opaque-me/inner/i; echo o > opaque-me/o; echo k > keep/k
            find . -exec touch -h -d '2001-02-03 04:05:06' {} +
            """;
    private static final String LAYER2 = """
            mkdir etc keep; echo layer2 > etc/added; : > keep/.wh.k
            find . -exec touch -h -d '2001-02-03 04:05:06' {} +
            """;

    /** The operations, run with the mount (or overlay) root as working directory. */
    private static final String SCRIPT = """
            sed -i 's/key=old/key=new/' etc/config
            rm -rf usr/share/tree
            mv opt/app opt/app2
            mv etc/motd etc/motd.moved
            echo more >> hl/a
            ln hl/b hl/c
            chmod 600 etc/secret data/sparse
            chown 4321:8765 etc/owned
            touch -d '2011-11-11 11:11:11' etc/timed
            touch -m -d '2012-12-12 12:12:12' etc/mtime-only
            mkfifo run/fifo
            mknod dev/null2 c 1 3
            rm dev/lowerdev dangling
            ln -s ../etc/config etc/config-link
            truncate -s 1000 data/big
            truncate -s 0 data/small
            printf 'appended' >> data/append
            mkdir -p newdir/a/b/c; echo hi > newdir/a/f; mv newdir newdir2
            rmdir emptydir; mkdir emptydir
            rm -rf opaque-me; mkdir opaque-me; echo new > opaque-me/new
            setfattr -n user.new -v val etc/config
            setfattr -x user.old etc/xattr-file
            setfattr -n trusted.note -v t etc/secret
            setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= etc/owned
            cp -a etc/config etc/config.bak
            dd if=data/append of=data/copy bs=1M conv=fsync status=none
            mv data/copy data/copy2
            echo k2 > keep/k
            cat etc/config hl/a hl/b > /dev/null
            python3 -c 'import os, tempfile; f = tempfile.TemporaryFile(dir="run"); f.write(b"x" * 10); f.flush(); \
                assert os.fstat(f.fileno()).st_size == 10'
            exec 3<etc/added; rm etc/added; cat <&3 >/dev/null; exec 3<&-
            """;

    @BeforeAll
    static void pushImage() throws Exception {
        registry = LocalRegistry.start();
        Path l1 = LayerTar.make(shared, "w1", "pax", LAYER1);
        Path l2 = LayerTar.make(shared, "w2", "pax", LAYER2);
        TestLayout t = new TestLayout(shared.resolve("layout"));
        t.addLayer(l1, TestLayout.Compression.GZIP).addLayer(l2, TestLayout.Compression.GZIP).finish("v1");
        layout = t.dir();
        image = t.pushTo(registry, "writable");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void script_inWritableMount_equalsKernelOverlayAndSurvivesRemount() throws Exception {
        Path rootfs = new TestLayout(layout).unpack(work.resolve("bundle"));
        Path ovUpper = Files.createDirectories(work.resolve("ov/upper"));
        Path ovWork = Files.createDirectories(work.resolve("ov/work"));
        Path ovMnt = Files.createDirectories(work.resolve("ov/mnt"));
        Path upper = work.resolve("container");
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        String cache = work.resolve("cache").toString();
        long start = System.currentTimeMillis() / 1000 - 1;
        try {
            Shell.run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + rootfs + ",upperdir=" + ovUpper
                    + ",workdir=" + ovWork + ",index=off,redirect_dir=off,metacopy=off", ovMnt.toString());
            StrataCli.run("mount", "--cache-dir", cache, "--writable", "--upper", upper.toString(), image, mnt.toString());
            TreeSnapshot before = TreeSnapshot.of(mnt, true);
            assertEquals(TreeSnapshot.of(ovMnt, true).facts(), before.facts(), "the image before any change");

            Shell.run(ovMnt, "bash", "-euo", "pipefail", "-c", SCRIPT);
            Shell.run(mnt, "bash", "-euo", "pipefail", "-c", SCRIPT);

            TreeSnapshot expected = TreeSnapshot.of(ovMnt, true).withRecentMtimes(start);
            TreeSnapshot actual = TreeSnapshot.of(mnt, true);
            List<String> diff = actual.withRecentMtimes(start).diff(expected, 40);
            assertTrue(diff.isEmpty(), "writable mount differs from kernel overlayfs:\n" + String.join("\n", diff));
            assertTrue(actual.facts().containsKey("opt/app2/bin/run") && !actual.facts().containsKey("usr/share/tree"),
                    actual.facts().keySet().toString());

            Shell.run(mnt, "bash", "-c", "touch .wh.sneaky 2>&1 | grep -q 'Invalid argument'");
            assertUpperHasWhiteouts(upper.resolve("upper"));
            String status = StrataCli.run("status", "--json", mnt.toString());
            assertTrue(status.replaceAll("\\s", "").contains("\"upperDirectory\":\"" + upper + "\""), status);

            StrataCli.run("umount", mnt.toString());
            StrataCli.run("mount", "--cache-dir", cache, "--writable", "--upper", upper.toString(), image, mnt.toString());
            List<String> again = TreeSnapshot.of(mnt, true).diff(actual, 40);
            assertTrue(again.isEmpty(), "remount on the same upper differs:\n" + String.join("\n", again));
        } finally {
            StrataCli.umountQuietly(mnt);
            new ProcessBuilder("umount", ovMnt.toString()).start().waitFor();
        }
    }

    /** The changes as an OCI change set: whiteouts where image entries went, opaque directories where recreated. */
    private static void assertUpperHasWhiteouts(Path upper) throws Exception {
        for (String whiteout : List.of("usr/share/.wh.tree", "opt/.wh.app", "etc/.wh.motd", "dev/.wh.lowerdev",
                ".wh.dangling", "opaque-me/.wh..wh..opq", "emptydir/.wh..wh..opq")) {
            Path p = upper.resolve(whiteout);
            assertTrue(Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), "missing whiteout " + whiteout);
        }
        for (String absent : List.of("usr/share/tree", ".wh.newdir", "newdir", ".wh.opaque-me", ".wh.emptydir",
                "etc/.wh.config", "keep/.wh.k", "usr/share/tree/f1", "work")) {
            assertFalse(Files.exists(upper.resolve(absent), LinkOption.NOFOLLOW_LINKS), "unexpected " + absent);
        }
        // A sparse file is copied up with its holes: 10 MiB long, a few blocks on disk.
        long blocks = Long.parseLong(Shell.run("stat", "-c", "%b", upper.resolve("data/sparse").toString()).strip());
        assertTrue(blocks < 1024, "data/sparse takes " + blocks + " blocks of 512 bytes in upper/");
        // Only what changed: usr/ and usr/share/ are there to hold the whiteout, nothing else of the image is.
        try (var share = Files.list(upper.resolve("usr/share")); var usr = Files.list(upper.resolve("usr"))) {
            assertEquals(List.of(".wh.tree"), share.map(p -> p.getFileName().toString()).toList());
            assertEquals(List.of("share"), usr.map(p -> p.getFileName().toString()).toList());
        }
    }

    /*
     * kill -9 of the mount in the middle of a copy-up (touch of ten 4 MB image files, one after the other; the kill
     * comes once a copy is seen half written in work/): after a remount every file is either still the image's or
     * completely copied (never a prefix), work/ holds no leftovers, and a file fsynced before the kill is there.
     */
    @Test
    void killDuringCopyUps_remount_noPartialFileAndWorkEmptied() throws Exception {
        Path tar = LayerTar.make(work, "big", "pax", "mkdir data; for i in $(seq 0 9); do seq $i 600000 > data/f$i; done");
        TestLayout bigLayout = new TestLayout(work.resolve("layout-big"));
        bigLayout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
        String bigImage = "oci:" + bigLayout.dir() + ":v1"; // straight from the layout: no push needed here
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        Path upper = work.resolve("container");
        String cache = work.resolve("cache").toString();
        try {
            StrataCli.run("mount", "--cache-dir", cache, "--writable", "--upper", upper.toString(), bigImage, mnt.toString());
            String sums = Shell.run(mnt, "bash", "-c", "sha256sum data/*");
            Shell.run(mnt, "bash", "-c", "echo durable > durable && sync durable");
            String pid = StrataCli.run("status", "--json", mnt.toString()).replaceAll("(?s).*\"pid\"\\s*:\\s*(\\d+).*", "$1");
            Process touches = new ProcessBuilder("bash", "-c", "for i in $(seq 0 9); do touch data/f$i; done")
                    .directory(mnt.toFile()).redirectErrorStream(true).start();
            awaitCopyInProgress(upper.resolve("work"));
            Shell.run("kill", "-9", pid);
            touches.waitFor();

            StrataCli.run("mount", "--cache-dir", cache, "--writable", "--upper", upper.toString(), bigImage, mnt.toString());
            assertEquals(sums, Shell.run(mnt, "bash", "-c", "sha256sum data/*"), "a file changed across the kill");
            assertEquals("durable\n", Files.readString(mnt.resolve("durable")));
            try (var left = Files.list(upper.resolve("work"))) {
                assertEquals(List.of(), left.toList());
            }
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    /** Returns once {@code work} holds a copy-up file with some but not all of its bytes. */
    private static void awaitCopyInProgress(Path work) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) {
                    long size = f.getFileName().toString().startsWith("copyup") ? Files.size(f) : 0;
                    if (size > 0 && size < 4_000_000) {
                        return;
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // renamed into upper/ under us: look again
            }
            Thread.sleep(0, 200_000);
        }
        throw new AssertionError("no copy-up seen in progress in " + work);
    }

    @Test
    void mount_writableWithoutUpper_defaultNextToCacheAndOtherImageRefused() throws Exception {
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        Path cache = work.resolve("cache");
        try {
            StrataCli.run("mount", "--cache-dir", cache.toString(), "--writable", image, mnt.toString());
            Shell.run(mnt, "bash", "-c", "echo changed > etc/added");
            String status = StrataCli.run("status", mnt.toString());
            Path containers = work.resolve("strata-containers");
            assertTrue(status.contains("changes in " + containers), status);
            StrataCli.run("umount", mnt.toString());
            try (var dirs = Files.list(containers)) {
                Path upper = dirs.findFirst().orElseThrow().resolve("upper");
                assertEquals("changed\n", Files.readString(upper.resolve("etc/added")));
            }

            StrataCli.Result usage = StrataCli.exec("mount", "--upper", work.resolve("u").toString(), image, mnt.toString());
            assertEquals(1, usage.exitCode(), usage.output());
            assertTrue(usage.output().contains("--upper") && usage.output().contains("--writable"), usage.output());

            // A different image on the same upper directory: refused, naming both manifests.
            Path other = LayerTar.make(work, "other", "pax", "echo other > other");
            TestLayout otherLayout = new TestLayout(work.resolve("layout-other"));
            otherLayout.addLayer(other, TestLayout.Compression.GZIP).finish("v1");
            String otherImage = "oci:" + otherLayout.dir() + ":v1";
            StrataCli.Result refused = StrataCli.exec("mount", "--cache-dir", cache.toString(), "--writable",
                    otherImage, mnt.toString());
            assertEquals(2, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("holds changes made on top of " + image), refused.output());
            assertFalse(Files.readString(Path.of("/proc/mounts")).contains(" " + mnt + " "), "left a mount behind");
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }
}
