package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.layer.Varint;

import io.strata.fetcher.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where a gzip layer can be entered in the middle: checkpoints about every {@link #spanSize()} bytes of its
 * uncompressed stream (zlib's {@code zran} idea), each with the 32 KiB window that resuming needs and the sha256
 * of the compressed span that starts there. Built once while the layer is fetched whole
 * ({@link CheckpointIndexBuilder}), then any uncompressed range is one range request of about one span away
 * ({@link CheckpointReader}). Immutable.
 *
 * <p>On disk (all numbers LEB128 varints, offsets delta-coded from the previous checkpoint):
 * <pre>
 *   magic "STGZ"  version (1 byte)
 *   layerDigest:string  spanSize  compressedSize  uncompressedSize  count
 *   checkpoint*: compressedOffset+  bits:byte  uncompressedOffset+  windowLength  deflatedLength
 *                deflatedWindow:bytes  spanSha256:32 bytes
 *   crc32 of everything above (4 bytes, big-endian)
 * </pre>
 * A reader checks magic and version, then the CRC, then every field's bounds, so a damaged or hostile file is
 * rejected with a {@link CheckpointIndexException} before it can steer a read.
 */
public final class CheckpointIndex {

    static final byte[] MAGIC = {'S', 'T', 'G', 'Z'};
    static final int VERSION = 1;
    /** Far above any real index (about 12 KiB per span): a bigger file is not one of ours. */
    private static final long MAX_FILE = 1L << 30;

    private final Digest layer;
    private final long spanSize;
    private final long compressedSize;
    private final long uncompressedSize;
    private final List<Checkpoint> checkpoints;
    private final long[] starts;

    CheckpointIndex(Digest layer, long spanSize, long compressedSize, long uncompressedSize, List<Checkpoint> checkpoints) {
        this.layer = layer;
        this.spanSize = spanSize;
        this.compressedSize = compressedSize;
        this.uncompressedSize = uncompressedSize;
        this.checkpoints = List.copyOf(checkpoints);
        this.starts = checkpoints.stream().mapToLong(Checkpoint::uncompressedOffset).toArray();
    }

    /** The layer blob this index describes. */
    public Digest layer() {
        return layer;
    }

    /** Uncompressed bytes between checkpoints (at least; checkpoints sit at block boundaries). */
    public long spanSize() {
        return spanSize;
    }

    /** Size of the blob. */
    public long compressedSize() {
        return compressedSize;
    }

    /** Size of the uncompressed stream (the layer's tar). */
    public long uncompressedSize() {
        return uncompressedSize;
    }

    /** Number of checkpoints (= spans). */
    public int checkpointCount() {
        return checkpoints.size();
    }

    List<Checkpoint> checkpoints() {
        return checkpoints;
    }

    /** The index of the last checkpoint at or before {@code uncompressedOffset}. */
    int checkpointAtOrBefore(long uncompressedOffset) {
        int i = Arrays.binarySearch(starts, uncompressedOffset);
        return i >= 0 ? i : -i - 2;
    }

    /** Where span {@code i} ends in the blob (exclusive). */
    long spanEnd(int i) {
        return i + 1 < checkpoints.size() ? checkpoints.get(i + 1).compressedOffset() : compressedSize;
    }

    /** Writes the index in its versioned binary form. */
    public void writeTo(OutputStream target) throws IOException {
        var buffer = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.write(MAGIC);
        out.writeByte(VERSION);
        byte[] name = layer.toString().getBytes(StandardCharsets.UTF_8);
        writeVar(out, name.length);
        out.write(name);
        writeVar(out, spanSize);
        writeVar(out, compressedSize);
        writeVar(out, uncompressedSize);
        writeVar(out, checkpoints.size());
        long prevIn = 0;
        long prevOut = 0;
        for (Checkpoint c : checkpoints) {
            writeVar(out, c.compressedOffset() - prevIn);
            out.writeByte(c.bits());
            writeVar(out, c.uncompressedOffset() - prevOut);
            writeVar(out, c.windowLength());
            writeVar(out, c.deflatedWindow().length);
            out.write(c.deflatedWindow());
            out.write(c.spanDigest());
            prevIn = c.compressedOffset();
            prevOut = c.uncompressedOffset();
        }
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        buffer.writeTo(target);
    }

    /** Reads an index file, checking that it describes {@code expectedLayer}. */
    public static CheckpointIndex read(Path file, Digest expectedLayer) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw new CheckpointIndexException("checkpoint index " + file + " cannot be used: it is " + size
                    + " bytes, too big to be an index; delete it");
        }
        return read(Files.readAllBytes(file), expectedLayer, file.toString());
    }

    /**
     * Parses an index, checking that it describes {@code expectedLayer}.
     *
     * @param where names the bytes in error messages (a file, "registry artifact ...")
     */
    public static CheckpointIndex read(byte[] bytes, Digest expectedLayer, String where) throws CheckpointIndexException {
        return new Parser(bytes, where).parse(expectedLayer);
    }

    private static void writeVar(DataOutputStream out, long v) throws IOException {
        Varint.write(out, v);
    }

    /** One pass over an index's bytes; every value is checked before it is used. */
    private static final class Parser {
        private final byte[] bytes;
        private final String where;
        private final DataInputStream in;

        Parser(byte[] bytes, String where) {
            this.bytes = bytes;
            this.where = where;
            this.in = new DataInputStream(new ByteArrayInputStream(bytes));
        }

        CheckpointIndex parse(Digest expectedLayer) throws CheckpointIndexException {
            try {
                return parseChecked(expectedLayer);
            } catch (java.io.EOFException e) {
                throw bad("it ends early");
            } catch (CheckpointIndexException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        private CheckpointIndex parseChecked(Digest expectedLayer) throws IOException {
            if (bytes.length < MAGIC.length + 1 + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw bad("it is not a Strata gzip checkpoint index");
            }
            int version = bytes[MAGIC.length] & 0xff;
            if (version != VERSION) {
                throw bad("it has format version " + version + ", this Strata reads version " + VERSION);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 4);
            int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                    | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
            if ((int) crc.getValue() != stored) {
                throw bad("its checksum does not match (the file is damaged)");
            }
            in.skipBytes(MAGIC.length + 1);
            String name = new String(bytes(length()), StandardCharsets.UTF_8);
            if (!name.equals(expectedLayer.toString())) {
                throw bad("it describes layer " + name + ", not " + expectedLayer);
            }
            long spanSize = var();
            long compressedSize = var();
            long uncompressedSize = var();
            int count = length();
            if (spanSize <= 0 || count == 0) {
                throw bad("it has span size " + spanSize + " and " + count + " checkpoints");
            }
            List<Checkpoint> list = new ArrayList<>(count);
            long prevIn = 0;
            long prevOut = 0;
            for (int i = 0; i < count; i++) {
                long cin = prevIn + var();
                int bits = in.readUnsignedByte();
                long cout = prevOut + var();
                long windowLength = var(); // inflated length, bounded below (not by the file's size)
                byte[] window = bytes(length());
                byte[] digest = bytes(32);
                boolean ordered = i == 0 ? cout == 0 : cin > prevIn && cout > prevOut;
                if (!ordered || bits > 7 || (bits > 0 && cin == 0) || cin > compressedSize || cout > uncompressedSize
                        || windowLength > RawInflater.WINDOW_SIZE || (windowLength == 0) != (window.length == 0)) {
                    throw bad("checkpoint " + i + " is inconsistent (compressed " + cin + ", bits " + bits
                            + ", uncompressed " + cout + ", window " + windowLength + ")");
                }
                list.add(new Checkpoint(cin, bits, cout, (int) windowLength, window, digest));
                prevIn = cin;
                prevOut = cout;
            }
            if (in.available() != 4) {
                throw bad("it has " + (in.available() - 4) + " unexpected bytes after its checkpoints");
            }
            return new CheckpointIndex(expectedLayer, spanSize, compressedSize, uncompressedSize, list);
        }

        private long var() throws IOException {
            try {
                return Varint.read(in);
            } catch (java.io.StreamCorruptedException e) {
                throw bad("it holds a malformed number");
            }
        }

        /** A count or byte length: cannot exceed the file's size. */
        private int length() throws IOException {
            long n = var();
            if (n > bytes.length) {
                throw bad("it claims a length of " + n + " in a file of " + bytes.length + " bytes");
            }
            return (int) n;
        }

        private byte[] bytes(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }

        private CheckpointIndexException bad(String problem) {
            return new CheckpointIndexException("gzip checkpoint index " + where + " cannot be used: " + problem
                    + "; delete it (strata cache clear) so that a fresh one is built");
        }
    }
}
