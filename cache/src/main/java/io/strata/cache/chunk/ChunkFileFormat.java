package io.strata.cache.chunk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The bytes of a chunk file after its payload, so that any part of a chunk can be read back and checked alone:
 *
 * <pre>
 * payload (n bytes) | CRC-32C of each 64 KiB block of it (4 bytes each) | n | CRC-32C of the block table | "SCC2"
 * </pre>
 *
 * A whole read checks every block; a part read ({@code ChunkFiles.readPart}) reads the tail and the blocks it
 * needs, so a random 4 KiB read of a 4 MiB chunk costs 64 KiB from disk instead of 4 MiB. The integers are
 * big-endian. A file without the magic is from an older layout.
 */
final class ChunkFileFormat {

    /** Bytes each CRC of the table covers (the last block may be shorter). */
    static final int BLOCK = 64 << 10;
    /** n, the table's CRC, the magic. */
    static final int TRAILER = 12;
    /** "SCC2": Strata chunk, CRC-32C per block, layout 2. */
    static final int MAGIC = 0x53434332;

    private ChunkFileFormat() {
    }

    static int blocks(long payloadLength) {
        return (int) ((payloadLength + BLOCK - 1) / BLOCK);
    }

    /** Bytes after a payload of {@code payloadLength}: block table and trailer. */
    static int tailLength(long payloadLength) {
        return 4 * blocks(payloadLength) + TRAILER;
    }

    /** The payload length of a file of {@code fileSize} bytes, or -1 if no payload length gives that size. */
    static long payloadLength(long fileSize) {
        long rest = fileSize - TRAILER; // n + 4 * ceil(n / BLOCK)
        if (rest < 0) {
            return -1;
        }
        for (long k = rest / (BLOCK + 4); k <= rest / (BLOCK + 4) + 1; k++) {
            long n = rest - 4 * k;
            if (n >= 0 && blocks(n) == k) {
                return n;
            }
        }
        return -1;
    }

    /** The tail (block table and trailer) of {@code payload}, ready to write. */
    static ByteBuffer tail(byte[] payload) {
        int blocks = blocks(payload.length);
        ByteBuffer tail = ByteBuffer.allocate(4 * blocks + TRAILER);
        for (int b = 0; b < blocks; b++) {
            int from = b * BLOCK;
            tail.putInt(crc(payload, from, Math.min(BLOCK, payload.length - from)));
        }
        tail.putInt(payload.length);
        tail.putInt(crc(tail.array(), 0, 4 * blocks));
        tail.putInt(MAGIC);
        return tail.flip();
    }

    /**
     * Why {@code tail} (the last {@link #tailLength} bytes of a file holding a payload of {@code payloadLength})
     * cannot be trusted, or null if its magic, length and table check out. {@link #OLDER_LAYOUT} if the magic is
     * missing.
     */
    static String checkTail(byte[] tail, long payloadLength) {
        ByteBuffer t = ByteBuffer.wrap(tail);
        int table = tail.length - TRAILER;
        if (table < 0 || t.getInt(tail.length - 4) != MAGIC) {
            return OLDER_LAYOUT;
        }
        if (t.getInt(table) != payloadLength) {
            return "its trailer names " + Integer.toUnsignedLong(t.getInt(table)) + " bytes, the file holds "
                    + payloadLength + " (truncated?)";
        }
        if (t.getInt(table + 4) != crc(tail, 0, table)) {
            return "its block table does not match its CRC-32C (rotten)";
        }
        return null;
    }

    /** What {@link #checkTail} says of a file without the magic. */
    static final String OLDER_LAYOUT = "no chunk trailer (written by an older strata, or truncated)";

    /**
     * The first block of {@code payload[from, from + length)} (block numbers {@code firstBlock...}) whose CRC differs
     * from the table in {@code tail}, or -1 if all match. {@code from} is a block boundary.
     */
    static int badBlock(byte[] data, int from, int length, int firstBlock, byte[] tail) {
        ByteBuffer t = ByteBuffer.wrap(tail);
        for (int off = 0, b = firstBlock; off < length; off += BLOCK, b++) {
            if (crc(data, from + off, Math.min(BLOCK, length - off)) != t.getInt(4 * b)) {
                return b;
            }
        }
        return -1;
    }

    /** {@link #badBlock(byte[], int, int, int, byte[])} of a whole payload held in {@code data[0, length)}. */
    static int badBlock(ByteBuffer data, int length, byte[] tail) {
        ByteBuffer t = ByteBuffer.wrap(tail);
        CRC32C crc = new CRC32C();
        for (int off = 0, b = 0; off < length; off += BLOCK, b++) {
            crc.reset();
            crc.update(data.slice(off, Math.min(BLOCK, length - off)));
            if ((int) crc.getValue() != t.getInt(4 * b)) {
                return b;
            }
        }
        return -1;
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
