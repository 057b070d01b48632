package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The only class that knows the disk layout and the chunk file format.
 *
 * <pre>
 * ROOT/
 *   chunks/ab/cd/sha256-abcd…   content-addressed chunk: exactly the chunk's bytes (sha256sum of the file = name)
 *   chunks/12/34/range-1234…    range chunk: the bytes, then a 32-byte SHA-256 of them (a trailer), so a
 *                               truncated or rotten file is detected although the key carries no digest
 *   tmp/strata-chunk.PID.RAND.tmp   a chunk being written by process PID (shared with FileStore's temp files,
 *                               which never have this prefix and suffix)
 *   ledger                      size, entry count and persisted counters ({@link Ledger})
 * </pre>
 * The two-level fan-out keeps directories at a few hundred entries even for millions of chunks.
 */
final class ChunkFiles {

    static final String CONTENT_PREFIX = "sha256-";
    static final String RANGE_PREFIX = "range-";
    static final long STALE_TEMP_MILLIS = 3_600_000;

    private static final Pattern CHUNK_NAME = Pattern.compile("(?:sha256|range)-([0-9a-f]{64})");
    private static final Pattern TEMP_NAME = Pattern.compile("strata-chunk\\.(\\d+)\\.[0-9a-f]+\\.tmp");

    /** A chunk file found by a scan. */
    record Stored(Path path, String name, long size, long modifiedMillis) {
    }

    /** A chunk file whose bytes do not match its name or trailer. */
    static final class CorruptChunkException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptChunkException(Path path, String why) {
            super("corrupt cache file " + path + ": " + why);
        }
    }

    private final Path root;
    private final Path chunks;
    private final Path tmp;

    ChunkFiles(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.chunks = this.root.resolve("chunks");
        this.tmp = this.root.resolve("tmp");
        try {
            Files.createDirectories(chunks);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new IOException("cannot create the chunk cache in " + this.root + " (" + e + "); choose another"
                    + " directory with --cache-dir or STRATA_CACHE_DIR, or fix its permissions", e);
        }
    }

    Path root() {
        return root;
    }

    Path ledgerPath() {
        return root.resolve("ledger");
    }

    Path tmpDir() {
        return tmp;
    }

    Path pathOf(ChunkKey key) {
        String name = key.fileName();
        String hex = name.substring(name.indexOf('-') + 1);
        return chunks.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(name);
    }

    /** Bytes the file of {@code key} with {@code payloadLength} bytes of content takes. */
    static long storedSize(ChunkKey key, int payloadLength) {
        return key.isContentAddressed() ? payloadLength : (long) payloadLength + Sha256.LENGTH;
    }

    /** Writes the chunk file to a new temp file and forces it to disk; the caller renames or deletes it. */
    Path writeTemp(ChunkKey key, byte[] payload) throws IOException {
        Path temp = tmp.resolve("strata-chunk." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer[] parts = key.isContentAddressed()
                    ? new ByteBuffer[] {ByteBuffer.wrap(payload)}
                    : new ByteBuffer[] {ByteBuffer.wrap(payload), ByteBuffer.wrap(Sha256.digest(payload, 0, payload.length))};
            while (parts[parts.length - 1].hasRemaining()) {
                ch.write(parts);
            }
            // Data reaches the disk before the rename makes the name visible, so even after a power loss a
            // name never points at a short or empty file (ext4/xfs order the rename after this flush).
            ch.force(false);
            ok = true;
            return temp;
        } finally {
            if (!ok) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * The verified payload of a chunk file.
     *
     * @throws NoSuchFileException if it is not there (evicted, never written)
     * @throws CorruptChunkException if its bytes do not match its name or trailer
     */
    byte[] readVerified(Path path) throws IOException {
        String name = path.getFileName().toString();
        Matcher m = CHUNK_NAME.matcher(name);
        if (!m.matches()) {
            throw new CorruptChunkException(path, "not a chunk file name");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            boolean content = name.startsWith(CONTENT_PREFIX);
            long payloadSize = content ? size : size - Sha256.LENGTH;
            if (payloadSize < 0 || payloadSize > Integer.MAX_VALUE - 16) {
                throw new CorruptChunkException(path, "impossible size " + size);
            }
            byte[] payload = new byte[(int) payloadSize];
            ByteBuffer[] parts = content
                    ? new ByteBuffer[] {ByteBuffer.wrap(payload)}
                    : new ByteBuffer[] {ByteBuffer.wrap(payload), ByteBuffer.allocate(Sha256.LENGTH)};
            while (parts[parts.length - 1].hasRemaining()) {
                if (ch.read(parts) < 0) {
                    throw new CorruptChunkException(path, "shorter than its size " + size + " while reading");
                }
            }
            byte[] actual = Sha256.digest(payload, 0, payload.length);
            byte[] expected = content ? HexFormat.of().parseHex(m.group(1)) : parts[1].array();
            if (!MessageDigest.isEqual(actual, expected)) {
                throw new CorruptChunkException(path, content ? "its bytes hash to sha256:"
                        + HexFormat.of().formatHex(actual) : "its trailer does not match its bytes (truncated?)");
            }
            return payload;
        }
    }

    /** Every file under {@code chunks/} (two levels down); files that vanish during the walk are skipped. */
    List<Stored> scan() throws IOException {
        List<Stored> found = new ArrayList<>();
        for (Path first : list(chunks)) {
            for (Path second : list(first)) {
                for (Path file : list(second)) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                        if (a.isRegularFile()) {
                            found.add(new Stored(file, file.getFileName().toString(), a.size(),
                                    a.lastModifiedTime().toMillis()));
                        }
                    } catch (NoSuchFileException gone) {
                        // evicted by someone else while we walked
                    }
                }
            }
        }
        return found;
    }

    /** True if the name is one this layout produces (anything else under {@code chunks/} is foreign). */
    static boolean isChunkName(String name) {
        return CHUNK_NAME.matcher(name).matches();
    }

    /**
     * Deletes chunk temp files left by dead processes, or older than an hour (a chunk write takes milliseconds
     * even behind the ledger lock, so such a file is abandoned even if its pid now belongs to another process;
     * a minute was too short for a writer queued behind a long recount).
     * Touches only this class's temp names: FileStore's temp files live in the same directory.
     */
    int cleanTemp(long nowMillis) throws IOException {
        int removed = 0;
        long self = ProcessHandle.current().pid();
        for (Path p : list(tmp)) {
            Matcher m = TEMP_NAME.matcher(p.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            try {
                long pid = Long.parseLong(m.group(1));
                boolean dead = pid != self && ProcessHandle.of(pid).map(ph -> !ph.isAlive()).orElse(true);
                boolean old = Files.getLastModifiedTime(p).toMillis() < nowMillis - STALE_TEMP_MILLIS;
                if ((dead || old) && Files.deleteIfExists(p)) {
                    removed++;
                }
            } catch (NoSuchFileException | NumberFormatException gone) {
                // renamed or removed meanwhile; an absurd pid never matches \d+ into a long anyway
            }
        }
        return removed;
    }

    /** Removes empty fan-out directories (after clear); a non-empty or vanished one is left alone. */
    void removeEmptyDirectories() throws IOException {
        for (Path first : list(chunks)) {
            for (Path second : list(first)) {
                deleteIfEmpty(second);
            }
            deleteIfEmpty(first);
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException busy) {
            // a chunk arrived meanwhile
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
            // removed meanwhile, or a stray file where a directory belongs
        }
        return out;
    }
}
