package io.strata.fetcher.layer;

import io.strata.fetcher.image.Digest;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The on-disk form of a whole layer's {@link LayerIndex}, kept in the cache next to the layer's tar so that a
 * later mount needs no fetch. Compact and versioned; every number is a LEB128 varint (zigzag when signed),
 * strings are UTF-8 with a varint length, xattr values are raw bytes.
 *
 * <pre>
 *   magic "STRX"  version(1 byte)
 *   layerDigest:string  diffId:string ("" if unknown)  tarLength:varint  entryCount:varint
 *   entry*: path:string  type:byte (tar typeflag '0'..'6')  flags:byte (1 link, 2 device, 4 xattrs, 8 sparse)
 *           mode  uid  gid  size  mtimeSeconds:zigzag  mtimeNanos  [link:string]  [devMajor devMinor]
 *           [count (name:string value:bytes)*]  contentOffset  storedSize  [count offset,length*]
 *   crc32 of everything above (4 bytes, big-endian)
 * </pre>
 *
 * The CRC catches a damaged file; the reader also bounds every length by the file's size so that a damaged
 * file cannot make it allocate wildly before the CRC is checked.
 */
final class IndexFile {

    static final byte[] MAGIC = {'S', 'T', 'R', 'X'};
    static final int VERSION = 1;

    private static final int LINK = 1;
    private static final int DEVICE = 2;
    private static final int XATTRS = 4;
    private static final int SPARSE = 8;

    /** What a read returns: the index and the length of the uncompressed tar it describes. */
    record Loaded(LayerIndex index, long tarLength) {
    }

    private IndexFile() {
    }

    static void write(LayerIndex index, long tarLength, OutputStream target) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(target, new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        out.write(MAGIC);
        out.writeByte(VERSION);
        writeString(out, index.layerDigest().toString());
        writeString(out, index.diffId() == null ? "" : index.diffId().toString());
        writeVar(out, tarLength);
        writeVar(out, index.entries().size());
        for (Entry e : index.entries()) {
            writeString(out, e.path());
            out.writeByte(typeCode(e.type()));
            boolean device = e.devMajor() != 0 || e.devMinor() != 0;
            out.writeByte((e.linkTarget() != null ? LINK : 0) | (device ? DEVICE : 0)
                    | (e.xattrs().isEmpty() ? 0 : XATTRS) | (e.isSparse() ? SPARSE : 0));
            writeVar(out, e.mode());
            writeVar(out, e.uid());
            writeVar(out, e.gid());
            writeVar(out, e.size());
            writeVar(out, (e.mtimeSeconds() << 1) ^ (e.mtimeSeconds() >> 63));
            writeVar(out, e.mtimeNanos());
            if (e.linkTarget() != null) {
                writeString(out, e.linkTarget());
            }
            if (device) {
                writeVar(out, e.devMajor() & 0xffffffffL);
                writeVar(out, e.devMinor() & 0xffffffffL);
            }
            if (!e.xattrs().isEmpty()) {
                writeVar(out, e.xattrs().size());
                for (var kv : e.xattrs().entrySet()) {
                    writeString(out, kv.getKey());
                    writeBytes(out, kv.getValue());
                }
            }
            writeVar(out, e.contentOffset());
            writeVar(out, e.storedSize());
            if (e.isSparse()) {
                writeVar(out, e.sparseMap().length);
                for (long v : e.sparseMap()) {
                    writeVar(out, v);
                }
            }
        }
        out.flush();
        int crc = (int) checked.getChecksum().getValue();
        new DataOutputStream(target).writeInt(crc);
    }

    /**
     * Reads the index of {@code layer} from {@code file}.
     *
     * @throws IndexFileException when the file is of another version, of another layer, or damaged
     */
    static Loaded read(Path file, Digest layer) throws IOException {
        long fileSize = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CheckedInputStream checked = new CheckedInputStream(raw, new CRC32());
            Reader r = new Reader(new DataInputStream(checked), fileSize, file);
            Loaded loaded = r.read(layer);
            long computed = checked.getChecksum().getValue();
            long stored = new DataInputStream(raw).readInt() & 0xffffffffL;
            if (stored != computed || raw.read() != -1) {
                throw r.bad("the checksum does not match (the file is damaged)");
            }
            return loaded;
        } catch (EOFException e) {
            throw new IndexFileException("cached index " + file + " is truncated");
        }
    }

    /** Stable codes (the tar typeflags), never enum ordinals: the file outlives the enum's order. */
    private static int typeCode(EntryType t) {
        return switch (t) {
            case FILE -> '0';
            case HARDLINK -> '1';
            case SYMLINK -> '2';
            case CHAR_DEVICE -> '3';
            case BLOCK_DEVICE -> '4';
            case DIRECTORY -> '5';
            case FIFO -> '6';
        };
    }

    private static EntryType typeOf(int code) {
        return switch (code) {
            case '0' -> EntryType.FILE;
            case '1' -> EntryType.HARDLINK;
            case '2' -> EntryType.SYMLINK;
            case '3' -> EntryType.CHAR_DEVICE;
            case '4' -> EntryType.BLOCK_DEVICE;
            case '5' -> EntryType.DIRECTORY;
            case '6' -> EntryType.FIFO;
            default -> null;
        };
    }

    private static void writeVar(DataOutputStream out, long v) throws IOException {
        Varint.write(out, v);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        writeVar(out, b.length);
        out.write(b);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    /** One read of one file; every length is checked against the file's size before it is allocated. */
    private static final class Reader {
        private final DataInputStream in;
        private final long fileSize;
        private final Path file;

        Reader(DataInputStream in, long fileSize, Path file) {
            this.in = in;
            this.fileSize = fileSize;
            this.file = file;
        }

        Loaded read(Digest layer) throws IOException {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw bad("it is not a Strata index file");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw bad("it has format version " + version + ", this Strata reads version " + VERSION);
            }
            String digest = string();
            if (!digest.equals(layer.toString())) {
                throw bad("it describes layer " + digest + ", not " + layer);
            }
            String diff = string();
            Digest diffId;
            try {
                diffId = diff.isEmpty() ? null : Digest.parse(diff);
            } catch (IllegalArgumentException e) {
                throw bad("its diff_id is malformed: " + e.getMessage());
            }
            long tarLength = var();
            int count = length();
            List<Entry> entries = new ArrayList<>(Math.min(count, 1 << 16));
            for (int i = 0; i < count; i++) {
                entries.add(entry());
            }
            return new Loaded(new LayerIndex(layer, diffId, entries), tarLength);
        }

        private Entry entry() throws IOException {
            String path = string();
            EntryType type = typeOf(in.readUnsignedByte());
            if (type == null) {
                throw bad("entry '" + path + "' has an unknown type code");
            }
            int flags = in.readUnsignedByte();
            int mode = (int) var();
            long uid = var();
            long gid = var();
            long size = var();
            long zz = var();
            long mtime = (zz >>> 1) ^ -(zz & 1);
            int nanos = (int) var();
            String link = (flags & LINK) != 0 ? string() : null;
            int devMajor = (flags & DEVICE) != 0 ? (int) var() : 0;
            int devMinor = (flags & DEVICE) != 0 ? (int) var() : 0;
            Map<String, byte[]> xattrs = new TreeMap<>();
            if ((flags & XATTRS) != 0) {
                for (int n = length(); n > 0; n--) {
                    xattrs.put(string(), bytes());
                }
            }
            long contentOffset = var();
            long storedSize = var();
            long[] sparse = null;
            if ((flags & SPARSE) != 0) {
                int n = length();
                if (n % 2 != 0) {
                    throw bad("entry '" + path + "' has an odd-length sparse map");
                }
                sparse = new long[n];
                for (int i = 0; i < n; i++) {
                    sparse[i] = var();
                }
            }
            return new Entry(path, type, mode, uid, gid, size, mtime, nanos, link, devMajor, devMinor, xattrs,
                    contentOffset, storedSize, sparse);
        }

        private long var() throws IOException {
            try {
                return Varint.read(in);
            } catch (java.io.StreamCorruptedException e) {
                throw bad("it holds a malformed number");
            }
        }

        /** A count or byte length: cannot exceed the file's size (each item takes at least one byte). */
        private int length() throws IOException {
            long n = var();
            if (n > fileSize || n > Integer.MAX_VALUE) {
                throw bad("it claims a length of " + n + " in a file of " + fileSize + " bytes");
            }
            return (int) n;
        }

        private byte[] bytes() throws IOException {
            byte[] b = new byte[length()];
            in.readFully(b);
            return b;
        }

        private String string() throws IOException {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        IndexFileException bad(String problem) {
            return new IndexFileException("cached index " + file + " cannot be used: " + problem);
        }
    }
}
