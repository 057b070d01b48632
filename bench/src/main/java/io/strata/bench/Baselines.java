package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The three baselines strata is measured against, over the same unpacked data ({@link Unpacked}): the plain
 * directory, kernel overlayfs and fuse-overlayfs, both read-only (lowerdirs only), with their default options.
 */
final class Baselines {

    private Baselines() {
    }

    /** The fully unpacked root filesystem, read directly: what the other three are compared to. */
    static Target plain(Path rootfs) {
        return new Target() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Path root() {
                return rootfs;
            }

            @Override
            public void remount(String purpose) {
            }

            @Override
            public String coldSource() {
                return "the unpacked files on the disk";
            }

            @Override
            public void close() {
            }
        };
    }

    /** {@code mount -t overlay overlay -o ro,lowerdir=L4:L3:L2:L1 MNT}. */
    static Target kernelOverlay(Unpacked unpacked, Path mountpoint) {
        return new Mounted("overlay", mountpoint, "the unpacked layers on the disk (kernel overlayfs)",
                List.of("mount", "-t", "overlay", "overlay", "-o", "ro," + unpacked.lowerdirOption(), mountpoint.toString()),
                List.of("umount", mountpoint.toString()));
    }

    /** {@code fuse-overlayfs -o lowerdir=L4:L3:L2:L1 MNT}: no upper directory, so nothing can change. */
    static Target fuseOverlayfs(Unpacked unpacked, Path mountpoint) {
        return new Mounted("fuse-overlayfs", mountpoint, "the unpacked layers on the disk, through fuse-overlayfs",
                List.of("fuse-overlayfs", "-o", unpacked.lowerdirOption(), mountpoint.toString()),
                List.of("fusermount3", "-u", mountpoint.toString()));
    }

    /** A target mounted and unmounted by two commands. */
    private static final class Mounted implements Target {
        private final String name;
        private final Path mountpoint;
        private final String coldSource;
        private final List<String> mount;
        private final List<String> unmount;

        Mounted(String name, Path mountpoint, String coldSource, List<String> mount, List<String> unmount) {
            this.name = name;
            this.mountpoint = mountpoint;
            this.coldSource = coldSource;
            this.mount = mount;
            this.unmount = unmount;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Path root() {
            return mountpoint;
        }

        @Override
        public void remount(String purpose) throws IOException {
            close();
            Files.createDirectories(mountpoint);
            Exec.run(60, mount);
        }

        @Override
        public String coldSource() {
            return coldSource;
        }

        @Override
        public void close() throws IOException {
            Target.unmount(mountpoint, unmount);
        }
    }
}
