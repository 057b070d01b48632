package io.strata.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whole files kept under a cache directory by name: {@code ROOT/NAMESPACE/KEY}. A file appears only complete:
 * it is written in {@code ROOT/tmp/}, fsynced, then atomically renamed; a crash leaves at most a stray temp
 * file, never a partial file under its final name. A target that already exists counts as success (another
 * process wrote the same content), so concurrent writers of one key are safe.
 *
 * <p>The caller verifies the content while writing (the writer throws on a bad digest) so that only verified
 * files get a final name.
 */
public final class FileStore {

    /** Writes the content of one file; throwing aborts the write and leaves nothing behind. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@code prefix.PID.random.part}, as {@link #newTempFile} names them. */
    private static final Pattern TEMP_NAME = Pattern.compile(".*\\.(\\d+)\\.\\d*\\.part");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private final Path root;
    private final Path tmp;

    public FileStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new IOException("cannot create the cache directory " + root + " (" + e.getMessage()
                    + "); choose another with --cache-dir or STRATA_CACHE_DIR", e);
        }
    }

    public Path root() {
        return root;
    }

    /** The cache's own temp directory (same filesystem as the cache, so a rename into place is atomic). */
    public Path tempDir() {
        return tmp;
    }

    /**
     * A new empty temp file in {@link #tempDir()}; the caller deletes it. Its name carries this process's pid so
     * that {@link #cleanTemp} can tell a file of a live writer from one left by a killed process.
     */
    public Path newTempFile(String prefix) throws IOException {
        return Files.createTempFile(tmp, prefix + "." + ProcessHandle.current().pid() + ".", ".part");
    }

    /** The path a complete file of this name has, whether or not it exists. */
    public Path pathOf(String namespace, String key) {
        requireSafe(namespace);
        requireSafe(key);
        return root.resolve(namespace).resolve(key);
    }

    /** The complete file of this name, if present. */
    public Optional<Path> find(String namespace, String key) {
        Path p = pathOf(namespace, key);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Writes a file through a temp file and publishes it atomically under {@code namespace/key}.
     * Returns the final path. If the writer throws, the temp file is deleted and the exception propagates.
     */
    public Path put(String namespace, String key, ContentWriter writer) throws IOException {
        Path target = pathOf(namespace, key);
        Files.createDirectories(target.getParent());
        Path temp = newTempFile(key);
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                OutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
                writer.writeTo(buffered);
                buffered.flush();
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Someone else published the same content first: theirs is as good as ours.
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the cache directory " + root + " does not support atomic renames; use a local filesystem", e);
            }
            done = true;
            return target;
        } finally {
            if (!done || Files.exists(temp)) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Deletes this store's temp files ({@code *.PID.*.part}) whose writing process is gone: what a killed process
     * left mid-write. Files of live processes, and other files in {@code tmp/} (the chunk cache cleans its own),
     * are kept. Returns how many were deleted.
     */
    public int cleanTemp() throws IOException {
        int removed = 0;
        try (var files = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                var m = TEMP_NAME.matcher(p.getFileName().toString());
                if (m.matches() && !isAlive(Long.parseLong(m.group(1))) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Deletes every file of {@code namespace}; returns how many. Safe while readers hold them open. */
    public int deleteAll(String namespace) throws IOException {
        requireSafe(namespace);
        Path dir = root.resolve(namespace);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void requireSafe(String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("unsafe cache file name '" + name + "'");
        }
    }
}
