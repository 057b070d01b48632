package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * strata mounts as an unprivileged user (through {@code fusermount}): user {@code nobody} mounts an image, lists
 * it and hashes its files, and the result equals the same walk over {@code umoci unpack} of the image.
 */
class NonRootMountIT {

    private static final String USER = "nobody";

    @Test
    void mount_asNobody_showsSameTreeAsUmociUnpack() throws Exception {
        // Debian's udev rule makes /dev/fuse 0666 so users can mount through fusermount; containers often leave
        // it 0600. Give it Debian's mode for this test and put the original back afterwards.
        String fuseMode = Shell.run("stat", "-c", "%a", "/dev/fuse").trim();
        Shell.run("chmod", "666", "/dev/fuse");
        try {
            mountAsNobody();
        } finally {
            Shell.run("chmod", fuseMode, "/dev/fuse");
        }
    }

    private void mountAsNobody() throws Exception {
        Path work = Files.createTempDirectory("strata-nonroot");
        Shell.run("chmod", "755", work.toString());
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        Path cache = Files.createDirectories(work.resolve("cache"));
        Shell.run("chown", USER, mnt.toString(), cache.toString());
        try (LocalRegistry registry = LocalRegistry.start()) {
            Path tar = LayerTar.make(work, "sink", "pax", UnionMountIT.KITCHEN_SINK);
            TestLayout layout = new TestLayout(work.resolve("layout"));
            layout.addLayer(tar, TestLayout.Compression.GZIP).finish("v1");
            Path bundle = work.resolve("bundle");
            Shell.run("umoci", "unpack", "--image", layout.dir() + ":v1", bundle.toString());
            String image = layout.pushTo(registry, "nonroot");
            try {
                asNobody("mount", "--cache-dir", cache.toString(), image, mnt.toString());
                String mounted = Shell.run(withUser(List.of("bash", "-c", walk(mnt))).toArray(String[]::new));
                String expected = Shell.bash(walk(bundle.resolve("rootfs")));
                assertEquals(expected, mounted);
                assertTrue(mounted.lines().count() > 10, mounted);
                asNobody("umount", mnt.toString());
                assertTrue(!Files.readString(Path.of("/proc/mounts")).contains(" " + mnt + " "), "still mounted");
            } finally {
                StrataCli.umountQuietly(mnt);
            }
        } finally {
            Shell.run("rm", "-rf", work.toString());
        }
    }

    /** Type, mode, owner and size (files) of every path, then the hash of every world-readable file. */
    private static String walk(Path root) {
        return "cd '" + root + "' && find . -printf '%p %y %m %U %G %l\\n' | LC_ALL=C sort"
                + " && find . -type f -perm -o=r -print0 | LC_ALL=C sort -z | xargs -0 sha256sum";
    }

    private static void asNobody(String... strataArgs) throws Exception {
        Shell.run(withUser(StrataCli.command(strataArgs)).toArray(String[]::new));
    }

    private static List<String> withUser(List<String> command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", USER, "--", "env", "HOME=/tmp", "XDG_RUNTIME_DIR="));
        full.addAll(command);
        return full;
    }
}
