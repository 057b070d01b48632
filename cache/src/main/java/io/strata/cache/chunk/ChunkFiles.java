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
 *   chunks/ab/cd/sha256-abcd…   content-addressed chunk: the chunk's bytes (their SHA-256 is the name), then a trailer
 *   chunks/12/34/range-1234…    range chunk (layer digest + offset + length): the bytes, then the same trailer
 *   tmp/strata-chunk.PID.RAND.tmp   a chunk being written by process PID (shared with FileStore's temp files,
 *                               which never have this prefix and suffix)
 *   ledger                      size, entry count and persisted counters ({@link Ledger})
 * </pre>
 * The trailer ({@link ChunkFileFormat}) holds a CRC-32C of every 64 KiB block. Chunks are verified against their
 * digests on the way in (before they are written); reading one back checks the CRCs of what was read, which
 * catches a truncated, rotten or foreign file at memory speed (CRC-32C runs at over 20 GB/s here, SHA-256 at
 * 1.3 GB/s, and a cold sequential read through the disk tier has to keep up with the disk), and lets a random
 * read take one block of a chunk ({@link #readPart}). {@link #readVerified} also checks a content-addressed file
 * against its name, for {@code strata cache verify}. A file without the magic was written by an older layout and
 * is dropped like a corrupt one.
 *
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
        private final boolean olderLayout;

        CorruptChunkException(Path path, String why) {
            this(path, why, false);
        }

        CorruptChunkException(Path path, String why, boolean olderLayout) {
            super("corrupt cache file " + path + ": " + why);
            this.olderLayout = olderLayout;
        }

        /** True for a file without a trailer: written by an older strata, not damaged (not worth a warning each). */
        boolean olderLayout() {
            return olderLayout;
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

    /** Files from this size on are read with {@code O_DIRECT} ({@link DirectReads}). */
    static final long DIRECT_AT_LEAST = 1 << 20;

    /** Bytes the file of a chunk with {@code payloadLength} bytes of content takes. */
    static long storedSize(int payloadLength) {
        return (long) payloadLength + ChunkFileFormat.tailLength(payloadLength);
    }

    /** Writes the chunk file to a new temp file and forces it to disk; the caller renames or deletes it. */
    Path writeTemp(ChunkKey key, byte[] payload) throws IOException {
        Path temp = tmp.resolve("strata-chunk." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        boolean ok = false;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer[] parts = {ByteBuffer.wrap(payload), ChunkFileFormat.tail(payload)};
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
     * The payload of a chunk file whose every block matches its CRC (what a whole read from the cache does).
     *
     * @throws NoSuchFileException if it is not there (evicted, never written)
     * @throws CorruptChunkException if it is truncated, rotten, from an older layout or not a chunk file
     */
    byte[] readChecked(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (!CHUNK_NAME.matcher(name).matches()) {
            throw new CorruptChunkException(path, "not a chunk file name");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            long n = ChunkFileFormat.payloadLength(size);
            if (n < 0 || n > Integer.MAX_VALUE - 16) {
                throw wrongSize(ch, path, "impossible size " + size);
            }
            byte[] payload = new byte[(int) n];
            ByteBuffer tail = ByteBuffer.allocate(ChunkFileFormat.tailLength(n));
            if (size < DIRECT_AT_LEAST || !DirectReads.read(path, size, payload, tail)) {
                ByteBuffer[] parts = {ByteBuffer.wrap(payload), tail};
                while (tail.hasRemaining()) {
                    if (ch.read(parts) < 0) {
                        throw new CorruptChunkException(path, "shorter than its size " + size + " while reading");
                    }
                }
            }
            check(path, tail.array(), n);
            int bad = ChunkFileFormat.badBlock(payload, 0, payload.length, 0, tail.array());
            if (bad >= 0) {
                throw new CorruptChunkException(path, "block " + bad + " does not match its CRC-32C (rotten)");
            }
            return payload;
        }
    }

    /**
     * Reads the chunk file at {@code path} with {@code O_DIRECT} into {@code aligned} (a buffer from
     * {@link DirectReads#allocateAligned}) and checks every block, leaving the payload at {@code aligned[0, n)}: no
     * heap array, no copy. Returns n, or -1 when the file does not fit the buffer or {@code O_DIRECT} is refused
     * here (the caller reads it with {@link #readChecked}).
     *
     * @throws NoSuchFileException if it is not there
     * @throws CorruptChunkException if it is truncated, rotten, from an older layout or not a chunk file
     */
    int readCheckedInto(Path path, ByteBuffer aligned) throws IOException {
        if (!CHUNK_NAME.matcher(path.getFileName().toString()).matches()) {
            throw new CorruptChunkException(path, "not a chunk file name");
        }
        long size = Files.size(path);
        long n = ChunkFileFormat.payloadLength(size);
        if (n < 0) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                throw wrongSize(ch, path, "impossible size " + size);
            }
        }
        if (size > aligned.capacity() || !DirectReads.readInto(path, size, aligned)) {
            return -1;
        }
        byte[] tail = new byte[ChunkFileFormat.tailLength(n)];
        aligned.get((int) n, tail);
        check(path, tail, n);
        int bad = ChunkFileFormat.badBlock(aligned, (int) n, tail);
        if (bad >= 0) {
            throw new CorruptChunkException(path, "block " + bad + " does not match its CRC-32C (rotten)");
        }
        return (int) n;
    }

    /**
     * Copies {@code payload[offset, offset + length)} of the chunk file at {@code path}, whose payload is
     * {@code payloadLength} bytes, into {@code dst[dstOffset...]}, reading only the trailer and the 64 KiB blocks
     * that hold the range, each checked against its CRC.
     *
     * @throws NoSuchFileException if it is not there
     * @throws CorruptChunkException if its size, trailer or a block read does not check out
     */
    void readPart(Path path, long payloadLength, int offset, byte[] dst, int dstOffset, int length) throws IOException {
        if (offset < 0 || length <= 0 || offset > payloadLength - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") is not inside a chunk of "
                    + payloadLength + " bytes");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != payloadLength + ChunkFileFormat.tailLength(payloadLength)) {
                throw wrongSize(ch, path, "size " + size + " instead of " + (payloadLength
                        + ChunkFileFormat.tailLength(payloadLength)) + " for a chunk of " + payloadLength + " bytes");
            }
            byte[] tail = new byte[ChunkFileFormat.tailLength(payloadLength)];
            readFully(ch, path, tail, payloadLength);
            check(path, tail, payloadLength);
            int firstBlock = offset / ChunkFileFormat.BLOCK;
            int from = firstBlock * ChunkFileFormat.BLOCK;
            long to = Math.min(payloadLength, ((long) offset + length + ChunkFileFormat.BLOCK - 1)
                    / ChunkFileFormat.BLOCK * ChunkFileFormat.BLOCK);
            byte[] blocks = new byte[(int) (to - from)];
            readFully(ch, path, blocks, from);
            int bad = ChunkFileFormat.badBlock(blocks, 0, blocks.length, firstBlock, tail);
            if (bad >= 0) {
                throw new CorruptChunkException(path, "block " + bad + " does not match its CRC-32C (rotten)");
            }
            System.arraycopy(blocks, offset - from, dst, dstOffset, length);
        }
    }

    private static void check(Path path, byte[] tail, long payloadLength) throws CorruptChunkException {
        String why = ChunkFileFormat.checkTail(tail, payloadLength);
        if (why != null) {
            throw new CorruptChunkException(path, why, why.equals(ChunkFileFormat.OLDER_LAYOUT));
        }
    }

    /** A file whose size does not fit: from an older layout (no magic at its end), else cut short or grown. */
    private static CorruptChunkException wrongSize(FileChannel ch, Path path, String why) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(4);
        long size = ch.size();
        if (size >= 4) {
            ch.read(last, size - 4);
        }
        boolean older = last.position() < 4 || last.getInt(0) != ChunkFileFormat.MAGIC;
        return new CorruptChunkException(path, older ? ChunkFileFormat.OLDER_LAYOUT : why, older);
    }

    private static void readFully(FileChannel ch, Path path, byte[] into, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(into);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new CorruptChunkException(path, "shorter than expected while reading");
            }
        }
    }

    /**
     * {@link #readChecked}, and a content-addressed payload also hashed and compared with its name.
     *
     * @throws NoSuchFileException if it is not there
     * @throws CorruptChunkException if the trailer or (content chunks) the SHA-256 does not match
     */
    byte[] readVerified(Path path) throws IOException {
        byte[] payload = readChecked(path);
        Matcher m = CHUNK_NAME.matcher(path.getFileName().toString());
        if (m.matches() && path.getFileName().toString().startsWith(CONTENT_PREFIX)) {
            byte[] actual = Sha256.digest(payload, 0, payload.length);
            if (!MessageDigest.isEqual(actual, HexFormat.of().parseHex(m.group(1)))) {
                throw new CorruptChunkException(path, "its bytes hash to sha256:" + HexFormat.of().formatHex(actual));
            }
        }
        return payload;
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
