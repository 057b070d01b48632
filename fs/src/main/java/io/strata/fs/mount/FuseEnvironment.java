package io.strata.fs.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks, before anything is mounted, that this host can mount FUSE: libfuse 2 is installed (jnr-fuse binds
 * {@code libfuse.so.2}), {@code /dev/fuse} exists, and a non-root user has a setuid {@code fusermount}. Each
 * failure names the Debian package or the step that fixes it, instead of libfuse's terse stderr line.
 */
final class FuseEnvironment {

    private static final List<String> LIBRARY_DIRS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
            "/usr/local/lib");

    private FuseEnvironment() {
    }

    static void require() throws MountException {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            throw new MountException("FUSE is not available: /dev/fuse is missing (load the module with modprobe fuse; "
                    + "in a container, pass --device /dev/fuse)");
        }
        if (!hasLibfuse2()) {
            throw new MountException("libfuse.so.2 is not installed: install it with apt-get install libfuse2");
        }
        if (Commands.uid() != 0) {
            Path fusermount = Commands.which("fusermount");
            if (fusermount == null) {
                throw new MountException("fusermount is not installed, and a non-root user needs it to mount: install "
                        + "it with apt-get install fuse3");
            }
            // libfuse 2 opens /dev/fuse itself before it falls back to fusermount, and gives up on EACCES.
            if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
                throw new MountException("not permitted to mount FUSE as this user: /dev/fuse is not readable and "
                        + "writable by it (Debian's default mode is 0666: as root, chmod 666 /dev/fuse; or mount as root)");
            }
            if (!isSetuid(fusermount)) {
                throw new MountException("not permitted to mount FUSE as a non-root user: " + fusermount
                        + " is not setuid root (reinstall the fuse3 package, or mount as root)");
            }
        }
    }

    private static boolean hasLibfuse2() {
        for (String dir : LIBRARY_DIRS) {
            Path base = Path.of(dir);
            if (Files.exists(base.resolve("libfuse.so.2"))) {
                return true;
            }
            // Multiarch layout: /usr/lib/x86_64-linux-gnu/libfuse.so.2
            try (Stream<Path> subdirs = Files.list(base)) {
                if (subdirs.anyMatch(d -> Files.exists(d.resolve("libfuse.so.2")))) {
                    return true;
                }
            } catch (IOException e) {
                // not a directory on this host
            }
        }
        return false;
    }

    private static boolean isSetuid(Path file) {
        try {
            Path real = file.toRealPath();
            // PosixFilePermission has no setuid bit; the unix view's mode does.
            int mode = (Integer) Files.getAttribute(real, "unix:mode");
            return (mode & 04000) != 0 && Files.getOwner(real).getName().equals("root");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
