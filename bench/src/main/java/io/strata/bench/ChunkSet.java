package io.strata.bench;

import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The chunks of one benchmark case: {@code count} chunks of {@code chunkSize} random bytes, named like the
 * chunks of a layer without chunk digests (range keys, so that a disk hit reads the file and checks its SHA-256
 * trailer). Chunk {@code i} is the range {@code [i * chunkSize, +chunkSize)} of a made-up layer, and its bytes
 * are the same in every run, so the whole set concatenated is also "the layer" as a plain file.
 */
final class ChunkSet {

    private final String label;
    private final int chunkSize;
    private final ChunkKey[] keys;
    private final long seed;
    private final ChunkCache.Loader missing;

    private ChunkSet(String label, int chunkSize, int count) {
        if (chunkSize <= 0 || count <= 0) {
            throw new IllegalArgumentException("chunk set " + label + " needs a positive chunk size and count, got "
                    + chunkSize + " x " + count);
        }
        this.label = label;
        this.chunkSize = chunkSize;
        this.keys = new ChunkKey[count];
        byte[] labelDigest = sha256(label.getBytes(StandardCharsets.UTF_8));
        String layerDigest = "sha256:" + HexFormat.of().formatHex(labelDigest);
        for (int i = 0; i < count; i++) {
            // Built once here: a range key hashes its text, which must not be part of a timed lookup.
            keys[i] = ChunkKey.ofRange(layerDigest, (long) i * chunkSize, chunkSize);
        }
        this.seed = ByteBuffer.wrap(labelDigest).getLong();
        this.missing = () -> {
            throw new IOException("a chunk of benchmark set " + label + " was not in the cache although it was"
                    + " stored before timing; is the disk bound too small, or another process clearing the directory?");
        };
    }

    /** A set named {@code label} (which picks the layer digest and the bytes). */
    static ChunkSet of(String label, int chunkSize, int count) {
        return new ChunkSet(label, chunkSize, count);
    }

    String label() {
        return label;
    }

    int chunkSize() {
        return chunkSize;
    }

    int size() {
        return keys.length;
    }

    long totalBytes() {
        return (long) keys.length * chunkSize;
    }

    ChunkKey key(int i) {
        return keys[i];
    }

    /** The bytes of chunk {@code i}; random (incompressible, unlike zeros) and the same for the same set. */
    byte[] bytes(int i) {
        byte[] b = new byte[chunkSize];
        new SplittableRandom(seed + i).nextBytes(b);
        return b;
    }

    /** Stores every chunk in {@code cache} (through to its disk tier, which forces each file to disk). */
    void putAll(ChunkCache cache) throws IOException {
        for (int i = 0; i < keys.length; i++) {
            cache.put(keys[i], bytes(i));
        }
    }

    /** Looks every chunk up once, which copies disk-tier chunks into the memory tier. */
    void prime(ChunkCache cache) throws IOException {
        for (ChunkKey key : keys) {
            cache.get(key, missing);
        }
    }

    /** Writes the set as one plain file, the baseline of reads through the cache; forced to disk. */
    void writeFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < keys.length; i++) {
                ByteBuffer buf = ByteBuffer.wrap(bytes(i));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            // Like the cache's chunk files, so that --drop-caches can drop every page of it.
            ch.force(false);
        }
    }

    /**
     * The loader of every benchmark lookup: each chunk was stored before timing, so a load means the cache lost
     * one (evicted, or a bound too small) and the numbers would mix hits with misses. One instance, so that
     * the timed loops allocate nothing of their own.
     */
    ChunkCache.Loader missing() {
        return missing;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE platform must provide", e);
        }
    }
}
