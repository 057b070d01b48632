package io.strata.fs.pull;

import io.strata.fs.posix.Trees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory a pull fills: missing or empty, never anything else. The tree is written into a hidden sibling
 * ({@code .NAME.strata-pull.PID}) and renamed onto the directory once complete, so the directory shows either
 * nothing or the whole root file system, and a failed pull leaves it as it was. A directory that is a mount point
 * cannot be renamed onto: it is filled in place (and emptied again on failure).
 */
final class RootDirectory {

    private static final Logger log = LoggerFactory.getLogger(RootDirectory.class);
    private static final String SUFFIX = ".strata-pull.";

    /** Writes a tree into an empty directory. */
    @FunctionalInterface
    interface Filler<T> {
        T fill(Path emptyDirectory) throws IOException;
    }

    private final Path path;
    private final boolean inPlace;

    private RootDirectory(Path path, boolean inPlace) {
        this.path = path;
        this.inPlace = inPlace;
    }

    /**
     * Checks {@code dir} before anything is downloaded.
     *
     * @throws IllegalArgumentException when it exists and is not an empty directory
     */
    static RootDirectory check(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return new RootDirectory(abs, false); // made with its parents
        }
        Path real = abs.toRealPath(); // a symlink to a directory: fill what it points to
        if (!Files.isDirectory(real)) {
            throw new IllegalArgumentException(abs + " exists and is not a directory; give a new or empty directory");
        }
        try (var entries = Files.list(real)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(abs + " is not empty; strata pull writes a whole root file system"
                        + " and never mixes it with existing files: give a new or empty directory");
            }
        }
        Object dev = Files.getAttribute(real, "unix:dev");
        boolean mountPoint = real.getParent() != null && !dev.equals(Files.getAttribute(real.getParent(), "unix:dev"));
        return new RootDirectory(real, mountPoint);
    }

    Path path() {
        return path;
    }

    /** Runs {@code filler} on an empty directory that becomes {@link #path()} once it returns. */
    <T> T fill(Filler<T> filler) throws IOException {
        if (inPlace) {
            try {
                return filler.fill(path);
            } catch (IOException | RuntimeException e) {
                emptyQuietly(path, e);
                throw e;
            }
        }
        Files.createDirectories(path.getParent());
        cleanStaleSiblings();
        Path temp = path.resolveSibling("." + path.getFileName() + SUFFIX + ProcessHandle.current().pid());
        Trees.deleteRecursively(temp); // ours from an earlier call of this process
        Files.createDirectory(temp);
        try {
            T result = filler.fill(temp);
            try {
                // rename(2) replaces an empty directory in one step; a non-empty one (filled meanwhile) fails it.
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " to " + path + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("cannot put the pulled tree in place at " + path + " (" + e
                        + "); is it still an empty directory?", e);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            try {
                Trees.deleteRecursively(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Hidden siblings of this directory that a killed pull left (its pid is gone). */
    private void cleanStaleSiblings() {
        Pattern own = Pattern.compile(Pattern.quote("." + path.getFileName() + SUFFIX) + "(\\d+)");
        try (var siblings = Files.list(path.getParent())) {
            for (Path p : (Iterable<Path>) siblings::iterator) {
                Matcher m = own.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true)) {
                    log.info("removing {}, left by a killed pull", p);
                    Trees.deleteRecursively(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot clean leftovers of killed pulls next to {}: {}", path, e.toString());
        }
    }

    private static void emptyQuietly(Path dir, Exception cause) {
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Trees.deleteRecursively(p);
            }
        } catch (IOException cleanup) {
            cause.addSuppressed(cleanup);
        }
    }
}
