package io.strata.fs.build;

import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fs.commit.UpperChanges;
import io.strata.fs.image.MountedImage;
import io.strata.fs.mount.FuseMount;
import io.strata.fs.mount.MountOptions;
import io.strata.fs.posix.Trees;
import io.strata.fs.writable.UpperDirectory;
import io.strata.fs.writable.WritableFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A RUN: the current state mounted writable in this process (the base lazily, earlier layers from the cache), the
 * command run chrooted into it ({@link ChrootRun}), the mount's upper directory committed as the step's layer the
 * way {@code strata commit} does it ({@link UpperChanges}: whiteouts, opaque directories, reproducible order). The
 * mount is {@code allow_other} (root owns it) so that a command that switches to another user can still read it.
 *
 * <pre>
 * build-tmp/run-PID-N/
 * ├── rootfs/      the writable FUSE mount, the command's root
 * ├── container/   its upper directory (upper/, work/, strata-upper.json)
 * └── resolv.conf  a copy of the host's, bound over the image's /etc/resolv.conf while the command runs
 * </pre>
 */
final class RunStep {

    private RunStep() {
    }

    /**
     * Runs {@code argv} on {@code state} and returns the layer of what it changed (null when it changed nothing).
     *
     * @param workdir the working directory in the image (absolute); made if the image lacks it (in the layer)
     * @throws BuildException when not root, or when the command fails
     */
    static WrittenLayer run(StateMounts mounts, BuildState state, String text, List<String> argv,
                            Map<String, String> env, String workdir, LayerEncoding encoding, BuildCache cache,
                            BuildLog log) throws IOException, InterruptedException {
        if (!ChrootRun.isRoot()) {
            throw new BuildException("RUN needs root: it mounts the image writable (FUSE, files of every owner) and"
                    + " runs the command in a chroot of it; run strata build as root, or without RUN steps");
        }
        Path dir = cache.newRunDirectory();
        try {
            int exit;
            try (MountedImage image = mounts.open(state);
                 UpperDirectory upper = UpperDirectory.open(dir.resolve("container"), image.image().ref().toString(),
                         image.image().manifestDigest())) {
                WritableFs fs = WritableFs.create(image.tree(), image.contentReader(), upper);
                Path root = Files.createDirectory(dir.resolve("rootfs"));
                MountOptions options = MountOptions.defaults().withWritable(true).withAllowOther(true);
                try (FuseMount mount = FuseMount.mount(fs, root, options)) {
                    Thread unmount = new Thread(mount::close, "strata-build-unmount");
                    Runtime.getRuntime().addShutdownHook(unmount); // Ctrl-C: leave no mount behind
                    try {
                        String wd = workingDirectory(image, mount.mountpoint(), workdir);
                        exit = ChrootRun.run(mount.mountpoint(), wd, argv, env, dir);
                    } finally {
                        removeHook(unmount);
                    }
                }
                mounts.tally(image, state);
            }
            if (exit != 0) {
                throw new BuildException(text + " failed: the command exited with status " + exit);
            }
            UpperChanges.Result changes = UpperChanges.scan(dir.resolve("container").resolve(UpperDirectory.UPPER));
            for (String socket : changes.skipped()) {
                log.note("the socket /" + socket + " the command left is not part of the layer (sockets cannot be)");
            }
            return cache.writeLayer(changes.entries(), encoding);
        } finally {
            Trees.deleteWithinFilesystem(dir);
        }
    }

    /** The working directory as a path without symlinks, made in the mount when the image lacks it. */
    private static String workingDirectory(MountedImage image, Path root, String workdir) throws IOException {
        RootPaths.Resolved wd;
        try {
            wd = RootPaths.resolve(image.union(), workdir, true);
        } catch (IllegalArgumentException e) {
            throw new BuildException("the working directory " + workdir + " cannot be made: " + e.getMessage());
        }
        if (wd.node() != null && !wd.isDirectory()) {
            throw new BuildException("the working directory " + workdir + " is a " + wd.node().entry().type()
                    + " in the image");
        }
        if (wd.node() == null) {
            Files.createDirectories(root.resolve(wd.path())); // through the mount: part of this step's layer
        }
        return "/" + wd.path();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }
}
