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
 * The mounted tree of crafted images equals what {@code umoci unpack} makes of the same images, walked file by
 * file (type, mode, owner, size, content, symlink target, hardlink groups, devices, xattrs, mtime). The images
 * are pushed to a real registry with {@code strata copy} and mounted with the real {@code strata mount}.
 */
class UnionMountIT {

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
     * One layer with every kind of entry:
     *   bin/tool        setuid, security.capability (binary xattr)
     *   etc/hello       uid 1000, user.comment xattr, mtime 2001-02-03, + two hardlinks
     *   dir/            setgid, dir/link -> ../etc/hello, dir/sub owned 123:456
     *   tmp/            sticky
     *   empty, sparse (10 MiB with data at 5 MB), big.bin (3 MB random), fifo, chardev 1:3, blockdev 7:0
     *   aaaa.../aaaa.../bbbb...  (path > 255 bytes), "dír ünïcödé/файл.txt", dangling -> /nonexistent
     */
    static final String KITCHEN_SINK = """
            mkdir -p bin etc dir/sub tmp 'dír ünïcödé'
            printf 'hello\\n' > etc/hello
            : > empty
            printf '#!/bin/sh\\necho hi\\n' > bin/tool; chmod 4755 bin/tool
            chmod 2755 dir; chmod 1777 tmp
            ln -s ../etc/hello dir/link; ln -s /nonexistent dangling
            ln etc/hello etc/hello-hard; ln etc/hello dir/hello-hard2
            mkfifo fifo; mknod chardev c 1 3; mknod blockdev b 7 0
            chown 1000:1000 etc/hello; chown 123:456 dir/sub
            setfattr -n user.comment -v 'some text' etc/hello
            setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= bin/tool
            truncate -s 10M sparse; printf data | dd of=sparse bs=1 seek=5000000 conv=notrunc status=none
            head -c 3000000 /dev/urandom > big.bin
            a=$(printf 'a%.0s' $(seq 120)); b=$(printf 'b%.0s' $(seq 200))
            mkdir -p "$a/$a"; echo deep > "$a/$a/$b"
            echo ü > 'dír ünïcödé/файл.txt'
            touch -h -d '2001-02-03 04:05:06' etc/hello bin/tool dir/sub empty
            """;

    @Test
    void mount_kitchenSinkPax_equalsUmociUnpack() throws Exception {
        Path tar = LayerTar.make(work, "sink", "pax", KITCHEN_SINK);
        assertMountEqualsUmoci("sink", List.of(tar));
    }

    @Test
    void mount_kitchenSinkGnuFormat_equalsUmociUnpack() throws Exception {
        // GNU format: long names through 'L' records, old GNU sparse headers ('S', which umoci cannot read: GNU
        // tar's own extraction is the oracle); no xattrs in this format.
        Path tar = LayerTar.make(work, "gnu", "gnu", KITCHEN_SINK.replace("setfattr", ": setfattr"));
        Path extracted = Files.createDirectories(work.resolve("extracted-gnu"));
        Shell.run("tar", "--same-owner", "--numeric-owner", "-xpf", tar.toString(), "-C", extracted.toString());
        assertMountEquals("gnu", List.of(tar), extracted);
    }

    /** Three layers of whiteouts and replacements ({@link #whiteoutLayers}). */
    @Test
    void mount_whiteoutsAndReplacements_equalUmociUnpack() throws Exception {
        assertMountEqualsUmoci("whiteouts", whiteoutLayers(work));
    }

    /*
     * Three layers of whiteouts and replacements:
     *   L1: a/{keep,gone,gonedir/x/y}  b/{old1,old2}  c/file  d(file)  s/inner  hl/{one,two: hardlinks}  f/x
     *   L2: a/.wh.gone a/.wh.gonedir   b/new then b/.wh..wh..opq (marker after its sibling)
     *       c (file over dir)  d/child (dir over file)  s -> a (symlink over dir)  hl/.wh.two
     *       .wh.never-existed   f/.wh.x + f/x (whiteout and re-add in one layer)
     *   L3: c/z (dir over file over dir: L1's c/file must not come back)
     */
    static List<Path> whiteoutLayers(Path work) throws Exception {
        Path l1 = LayerTar.make(work, "l1", "pax", """
                mkdir -p a/gonedir/x b c s hl f
                echo keep > a/keep; echo gone > a/gone; echo y > a/gonedir/x/y
                echo 1 > b/old1; echo 2 > b/old2; echo f > c/file; echo d > d; echo i > s/inner
                echo link > hl/one; ln hl/one hl/two; echo old > f/x
                """);
        Path l2 = LayerTar.makeOrdered(work, "l2", "pax", """
                mkdir -p a b d f hl
                : > a/.wh.gone; : > a/.wh.gonedir; echo new > b/new; : > b/.wh..wh..opq
                echo now-a-file > c; echo child > d/child; ln -s a s; : > hl/.wh.two
                : > .wh.never-existed; : > f/.wh.x; echo new > f/x
                """, List.of("a", "a/.wh.gone", "a/.wh.gonedir", "b", "b/new", "b/.wh..wh..opq", "c", "d", "d/child",
                        "s", "hl", "hl/.wh.two", ".wh.never-existed", "f", "f/.wh.x", "f/x"));
        Path l3 = LayerTar.make(work, "l3", "pax", "mkdir c; echo z > c/z");
        return List.of(l1, l2, l3);
    }

    /** Mounts the image of these layers with strata and compares it with umoci's unpack of the same image. */
    private void assertMountEqualsUmoci(String name, List<Path> tars) throws Exception {
        assertMountEquals(name, tars, null);
    }

    /**
     * Mounts the image of these layers with strata and compares it with {@code oracle}, or with umoci's unpack of
     * the same image when {@code oracle} is null.
     */
    private void assertMountEquals(String name, List<Path> tars, Path oracle) throws Exception {
        TestLayout layout = new TestLayout(work.resolve("layout-" + name));
        for (Path t : tars) {
            layout.addLayer(t, TestLayout.Compression.GZIP);
        }
        layout.finish("v1");
        Path expectedRoot = oracle;
        if (expectedRoot == null) {
            Path bundle = work.resolve("bundle-" + name);
            expectedRoot = layout.unpack(bundle);
        }
        String image = registry.host() + "/it/" + name + ":v1";
        StrataCli.run("copy", "oci:" + layout.dir() + ":v1", image);
        Path mnt = Files.createDirectories(work.resolve("mnt-" + name));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache").toString(), image, mnt.toString());
            TreeSnapshot expected = TreeSnapshot.of(expectedRoot, true);
            TreeSnapshot actual = TreeSnapshot.of(mnt, true);
            List<String> diff = actual.diff(expected, 40);
            assertTrue(diff.isEmpty(), "mounted tree differs from umoci unpack:\n" + String.join("\n", diff));
            assertTrue(expected.facts().size() > 5, "fixture too small: " + expected.facts().keySet());
            StrataCli.Result status = StrataCli.exec("status", mnt.toString());
            assertEquals(0, status.exitCode(), status.output());
            assertTrue(status.output().contains("whole"), status.output());
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }
}
