package io.strata.fs.mount;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What is at a mount point, and the checks and clean-ups done before mounting there. */
final class Mountpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Mountpoints.class);

    /** The state of a mount point path. */
    enum State {
        MISSING, NOT_DIRECTORY,
        /** A FUSE mount whose process is gone: every access fails with ENOTCONN. */
        DEAD,
        /** Something is mounted there and answers. */
        MOUNTED,
        /** A plain directory. */
        FREE
    }

    private Mountpoints() {
    }

    /**
     * The real path; when that cannot be resolved (missing, or a dead mount, where {@code realpath} of the mount
     * point itself fails with ENOTCONN) the parent's real path plus the last name, so the path still names, and
     * hashes to, the same mount.
     */
    static Path canonical(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            // fall through: resolve what exists
        }
        Path parent = abs.getParent();
        if (parent == null) {
            return abs;
        }
        try {
            return parent.toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs;
        }
    }

    static State state(Path canonical) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(canonical, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return State.MISSING;
        } catch (FileSystemException e) {
            if (isNotConnected(e)) {
                return State.DEAD;
            }
            return MountTable.at(canonical).isPresent() ? State.MOUNTED : State.FREE;
        } catch (IOException e) {
            return State.FREE;
        }
        if (MountTable.at(canonical).isPresent()) {
            return State.MOUNTED;
        }
        return attrs.isDirectory() ? State.FREE : State.NOT_DIRECTORY;
    }

    private static boolean isNotConnected(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && reason.contains("Transport endpoint is not connected");
    }

    /**
     * Checks {@code canonical} can take a new mount: throws for a missing path, a file, a live mount or a non-empty
     * directory; cleans a dead FUSE mount left by a killed process.
     */
    static void prepare(Path canonical) throws MountException {
        State state = state(canonical);
        switch (state) {
            case MISSING -> throw new MountException("mountpoint " + canonical + " does not exist: create it with mkdir -p "
                    + canonical);
            case NOT_DIRECTORY -> throw new MountException("mountpoint " + canonical + " is not a directory");
            case MOUNTED -> throw new MountException(canonical + " is already a mount point (strata umount " + canonical
                    + " or umount " + canonical + ")");
            case DEAD -> {
                LOG.warn("{} is a dead FUSE mount (its process is gone); unmounting it before mounting again", canonical);
                forceUnmount(canonical);
                State after = state(canonical);
                if (after != State.FREE) {
                    throw new MountException("cleaned the dead mount at " + canonical + " but it is still " + after
                            + ": unmount it with umount -l " + canonical);
                }
            }
            case FREE -> {
            }
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(canonical)) {
            // libfuse 2 refuses a non-empty mount point; say why before it does.
            if (dir.iterator().hasNext()) {
                throw new MountException("mountpoint " + canonical + " is not empty: mount on an empty directory (its "
                        + "files would be hidden)");
            }
        } catch (MountException e) {
            throw e;
        } catch (IOException e) {
            throw new MountException("cannot list mountpoint " + canonical + ": " + e.getMessage(), e);
        }
    }

    /** Detaches the mount at {@code canonical}: {@code fusermount -u -z}, then {@code umount -l} for root. */
    static void forceUnmount(Path canonical) throws MountException {
        String path = canonical.toString();
        Commands.Result fusermount = Commands.which("fusermount") != null
                ? Commands.run(List.of("fusermount", "-u", "-z", path))
                : new Commands.Result(-1, "fusermount not installed");
        if (fusermount.ok()) {
            return;
        }
        Commands.Result umount = Commands.run(List.of("umount", "-l", path));
        if (umount.ok()) {
            return;
        }
        throw new MountException("cannot unmount " + path + ": fusermount -u -z said \"" + fusermount.output()
                + "\", umount -l said \"" + umount.output() + "\"");
    }

    /** The mount at {@code canonical} if it is a FUSE mount. */
    static Optional<MountTable.Mount> fuseMountAt(Path canonical) {
        return MountTable.at(canonical).filter(MountTable.Mount::isFuse);
    }
}
