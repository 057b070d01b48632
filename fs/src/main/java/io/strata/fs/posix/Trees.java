package io.strata.fs.posix;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removal and size of whole directory trees that strata made itself (snapshots, half-written root file systems, a
 * build's states): never following a symlink, never crossing into another filesystem (a RUN's root has the host's
 * {@code /dev} and {@code /sys} mounted below it while the command runs, and a process killed at the wrong moment
 * can leave one behind), and making directories that are read-only even for their owner (an image's 0555) writable
 * first, so an unprivileged user can clean up too.
 */
public final class Trees {

    private static final Logger LOG = LoggerFactory.getLogger(Trees.class);

    private Trees() {
    }

    /**
     * Deletes {@code root} and everything below it on {@code root}'s filesystem. What cannot be deleted (a mount
     * point, a dead FUSE mount answering ENOTCONN) is left, logged, and makes the result false.
     */
    public static boolean deleteWithinFilesystem(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        Object device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        boolean[] complete = {true};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    LOG.warn("not deleting {}: another filesystem is mounted there (umount -l it, then delete it)", dir);
                    complete[0] = false;
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
                    Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(dir));
                    perms.addAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE));
                    Files.setPosixFilePermissions(dir, perms);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof NoSuchFileException)) {
                    LOG.warn("not deleting {}: {}", file, e.getMessage());
                    complete[0] = false;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (complete[0] || isEmpty(dir)) {
                    Files.deleteIfExists(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return complete[0];
    }

    /**
     * {@link #deleteWithinFilesystem}, failing if anything is left.
     *
     * @throws IOException naming {@code root} when part of it could not be deleted (the log says which part)
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!deleteWithinFilesystem(root)) {
            throw new IOException("could not delete all of " + root + " (a filesystem mounted below it, or an"
                    + " unreadable entry: see the warnings above); unmount or fix it and delete it by hand");
        }
    }

    /** Bytes of the regular files under {@code root}. */
    public static long size(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
