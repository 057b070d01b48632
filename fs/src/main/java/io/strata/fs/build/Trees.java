package io.strata.fs.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes directory trees of the build's own making without ever crossing into another filesystem: a RUN's root is a
 * FUSE mount with {@code /dev} and {@code /sys} of the host below it while the command runs, and a build killed at the
 * wrong moment could leave one behind. A directory on another device is left alone (and logged), never walked.
 */
final class Trees {

    private static final Logger LOG = LoggerFactory.getLogger(Trees.class);

    private Trees() {
    }

    /**
     * Deletes {@code root} and everything below it that is on {@code root}'s filesystem. Returns false when
     * something was left because it is a mount point.
     */
    static boolean delete(Path root) throws IOException {
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
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                // A dead FUSE mount answers ENOTCONN: it is a mount point, leave it.
                LOG.warn("not deleting {}: {}", file, e.getMessage());
                complete[0] = false;
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

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
