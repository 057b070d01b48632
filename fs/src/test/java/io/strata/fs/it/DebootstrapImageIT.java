package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image made entirely by other tools mounts correctly: a debootstrapped Debian rootfs packed by
 * {@code umoci}, a second layer made by {@code umoci repack} (umoci writes its own whiteouts), pushed by
 * {@code skopeo}. Mounted with strata, the tree equals {@code umoci unpack}, and programs run from it in a chroot.
 */
class DebootstrapImageIT {

    @TempDir
    Path work;

    @Test
    void mount_debootstrapImageBuiltByUmociPushedBySkopeo_equalsUnpackAndRuns() throws Exception {
        Path base = DebootstrapImage.rootfsTar();
        String layout = work.resolve("layout").toString();
        Shell.run("umoci", "init", "--layout", layout);
        Shell.run("umoci", "new", "--image", layout + ":base");
        Shell.run("umoci", "raw", "add-layer", "--image", layout + ":base", base.toString());
        // A second layer through umoci's own diff: deletes a directory (whiteout) and adds a file.
        Path bundle = work.resolve("edit");
        Shell.run("umoci", "unpack", "--image", layout + ":base", bundle.toString());
        Shell.bash("rm -rf " + bundle + "/rootfs/usr/share/doc/apt " + bundle + "/rootfs/etc/motd"
                + " && echo 'built by umoci' > " + bundle + "/rootfs/etc/strata-test");
        Shell.run("umoci", "repack", "--image", layout + ":v1", bundle.toString());
        Path expected = work.resolve("expected");
        Shell.run("umoci", "unpack", "--image", layout + ":v1", expected.toString());

        try (LocalRegistry registry = LocalRegistry.start()) {
            String image = registry.host() + "/it/debian:v1";
            Shell.run("skopeo", "copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", "docker://" + image);
            Path mnt = Files.createDirectories(work.resolve("mnt"));
            try {
                StrataCli.run("mount", "--cache-dir", work.resolve("cache").toString(), image, mnt.toString());
                List<String> diff = TreeSnapshot.of(mnt, false).diff(TreeSnapshot.of(expected.resolve("rootfs"), false), 40);
                assertTrue(diff.isEmpty(), "mounted tree differs from umoci unpack:\n" + String.join("\n", diff));
                assertTrue(Files.notExists(mnt.resolve("usr/share/doc/apt")), "whited-out directory still shown");
                assertEquals("built by umoci\n", Files.readString(mnt.resolve("etc/strata-test")));
                String out = Shell.run("chroot", mnt.toString(), "/bin/sh", "-c", "echo hi && dpkg-query -W -f='${Package}\\n' dpkg");
                assertEquals("hi\ndpkg\n", out);
            } finally {
                StrataCli.umountQuietly(mnt);
            }
        }
    }
}
