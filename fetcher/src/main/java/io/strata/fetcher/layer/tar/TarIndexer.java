package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an uncompressed tar stream once, front to back, and yields one {@link Entry} per archive member with
 * the exact offset of its content in the stream. Metadata-only members (PAX {@code 'x'}/{@code 'g'} headers,
 * GNU long names {@code 'L'}/{@code 'K'}, volume labels) are folded into the entry they describe.
 *
 * <p>The end of the archive is two zero blocks; a stream that simply ends at a header boundary (many tools
 * write no end blocks) or after a single zero block also ends it. Content is skipped by reading, so a caller
 * that tees or hashes the input sees every byte; bytes after the end of the archive are left unread.
 *
 * <p>Not thread-safe: one indexer reads one stream.
 */
public final class TarIndexer {

    /** Bound on the data of one PAX header or GNU long name, which is held in memory. */
    static final int MAX_META_BYTES = 8 << 20;

    private final BlockInput in;
    private final String layer;
    private final byte[] block = new byte[BlockInput.BLOCK];
    private PaxHeaders global;
    private boolean done;

    /**
     * @param in    the uncompressed tar stream, positioned at its start (the indexer does not close it)
     * @param layer the layer's name for messages (its digest)
     */
    public TarIndexer(InputStream in, String layer) {
        this.in = new BlockInput(in);
        this.layer = layer;
    }

    /**
     * Indexes a whole archive: one entry per path in tar order. A later member of the same path replaces the
     * earlier one (as extraction would) but keeps the earlier one's position in the list, so directories
     * still tend to precede their children.
     */
    /** More entries than any real image layer has (the largest known have a few hundred thousand). */
    static final long MAX_ENTRIES = 5_000_000;
    /** Sparse data segments of all files of one layer together: 16 bytes each in the index. */
    static final long MAX_SPARSE_SEGMENTS = 1 << 22;

    public static List<Entry> readAll(InputStream in, String layer) throws IOException {
        TarIndexer indexer = new TarIndexer(in, layer);
        Map<String, Entry> byPath = new LinkedHashMap<>();
        long entries = 0;
        long segments = 0;
        for (Entry e; (e = indexer.next()) != null; ) {
            // Budgets per layer, so that a hostile layer cannot exhaust the heap through its index.
            if (++entries > MAX_ENTRIES) {
                throw new CorruptLayerException(layer, e.path(), "the layer has more than " + MAX_ENTRIES + " entries");
            }
            segments += e.sparseMap() == null ? 0 : e.sparseMap().length / 2;
            if (segments > MAX_SPARSE_SEGMENTS) {
                throw new CorruptLayerException(layer, e.path(), "the layer's sparse files have more than "
                        + MAX_SPARSE_SEGMENTS + " data segments in all");
            }
            byPath.put(e.path(), e);
        }
        return new ArrayList<>(byPath.values());
    }

    /** Bytes of the stream consumed so far. */
    public long position() {
        return in.position();
    }

    /** The next entry, or null at the end of the archive. */
    public Entry next() throws IOException {
        String longName = null;
        String longLink = null;
        PaxHeaders pax = null;
        while (!done) {
            long at = in.position();
            if (!readHeader(at, longName != null || longLink != null || pax != null)) {
                return null;
            }
            if (TarHeader.isZero(block)) {
                endOfArchive(at);
                break;
            }
            TarHeader h = TarHeader.parse(block, at, layer);
            switch (h.typeflag) {
                case 'L' -> longName = gnuLongName(h);
                case 'K' -> longLink = gnuLongName(h);
                case 'x', 'X' -> pax = PaxHeaders.parse(readMeta(h), layer, "PAX header at offset " + at);
                case 'g' -> {
                    PaxHeaders g = PaxHeaders.parse(readMeta(h), layer, "global PAX header at offset " + at);
                    if (global == null) {
                        global = g;
                    } else {
                        global.putAll(g);
                    }
                }
                case 'V' -> {
                    skipData(h, h.size, h.name); // a GNU volume label names the archive, not a file
                    longName = longLink = null;
                    pax = null;
                }
                case 'M' -> throw h.corrupt(layer, "a GNU multi-volume continuation; multi-volume archives are not supported");
                default -> {
                    return entry(h, longName, longLink, pax == null ? new PaxHeaders().over(global) : pax.over(global));
                }
            }
        }
        if (longName != null || longLink != null || pax != null) {
            throw new CorruptLayerException(layer, longName, "the archive ends after an extended header, without the entry it describes");
        }
        return null;
    }

    private Entry entry(TarHeader h, String longName, String longLink, PaxHeaders p) throws IOException {
        String where = "PAX header of the entry at offset " + h.offset;
        String rawName = firstNonNull(p.text("GNU.sparse.name"), p.text("path"), longName, h.name);
        String rawLink = firstNonNull(p.text("linkpath"), longLink, h.linkName);
        EntryType type = typeOf(h.typeflag, rawName);
        String path = TarPaths.normalize(rawName, layer);
        String link = switch (type) {
            case HARDLINK -> {
                String target = TarPaths.normalize(rawLink, layer);
                if (target.isEmpty()) {
                    throw new CorruptLayerException(layer, rawName, "hard link without a target (tar header at offset " + h.offset + ")");
                }
                yield target;
            }
            case SYMLINK -> {
                if (rawLink.indexOf('\0') >= 0) {
                    throw new CorruptLayerException(layer, rawName, "the symlink target contains a NUL byte");
                }
                yield rawLink;
            }
            default -> null;
        };
        long dataSize = p.decimal("size", h.size, layer, where);
        long[] mtime = p.mtime(layer, where);
        boolean device = type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE;
        int devMajor = device ? (int) p.decimal("SCHILY.devmajor", h.devMajor, layer, where) : 0;
        int devMinor = device ? (int) p.decimal("SCHILY.devminor", h.devMinor, layer, where) : 0;

        List<Long> pairs = null;
        long logicalSize = dataSize;
        if (h.typeflag == 'S') {
            pairs = SparseMaps.oldGnu(h, in, layer); // extension blocks sit between header and data
            logicalSize = h.number(TarHeader.GNU_REAL_SIZE, 12, "realsize", layer);
        }
        long dataStart = in.position();
        long contentOffset = dataStart;
        long storedSize = dataSize;
        if (type == EntryType.FILE && h.typeflag != 'S') {
            if (p.has("GNU.sparse.major")) {
                if (p.decimal("GNU.sparse.major", 0, layer, where) != 1 || p.decimal("GNU.sparse.minor", 0, layer, where) != 0) {
                    throw new CorruptLayerException(layer, rawName, "unsupported PAX sparse format "
                            + p.text("GNU.sparse.major") + "." + p.text("GNU.sparse.minor") + " (supported: 0.0, 0.1, 1.0)");
                }
                pairs = SparseMaps.pax10(in, dataSize, h, layer);
                contentOffset = in.position();
                storedSize = dataSize - (contentOffset - dataStart);
                logicalSize = sparseSize(p, rawName, where);
            } else if (p.has("GNU.sparse.map")) {
                pairs = SparseMaps.pax01(p.text("GNU.sparse.map"), h, layer);
                logicalSize = sparseSize(p, rawName, where);
            } else if (!p.sparsePairs().isEmpty()) {
                pairs = p.sparsePairs();
                logicalSize = sparseSize(p, rawName, where);
            }
        }
        long[] sparseMap = pairs == null ? null : SparseMaps.validate(pairs, logicalSize, storedSize, h, rawName, layer);
        skipData(h, dataStart + dataSize - in.position(), rawName);

        boolean file = type == EntryType.FILE;
        return new Entry(path, type, h.mode, p.decimal("uid", h.uid, layer, where), p.decimal("gid", h.gid, layer, where),
                file ? logicalSize : 0, mtime != null ? mtime[0] : h.mtime, mtime != null ? (int) mtime[1] : 0,
                link, devMajor, devMinor, p.xattrs(layer, where),
                file ? contentOffset : 0, file ? storedSize : 0, file ? sparseMap : null);
    }

    private long sparseSize(PaxHeaders p, String name, String where) throws CorruptLayerException {
        long size = p.decimal("GNU.sparse.realsize", p.decimal("GNU.sparse.size", -1, layer, where), layer, where);
        if (size < 0) {
            throw new CorruptLayerException(layer, name, "a PAX sparse file without GNU.sparse.realsize or GNU.sparse.size");
        }
        return size;
    }

    /**
     * POSIX: unknown typeflags are read as regular files. Old archives mark directories only by a trailing
     * slash on a regular-file entry.
     */
    private static EntryType typeOf(byte flag, String rawName) {
        return switch (flag) {
            case '1' -> EntryType.HARDLINK;
            case '2' -> EntryType.SYMLINK;
            case '3' -> EntryType.CHAR_DEVICE;
            case '4' -> EntryType.BLOCK_DEVICE;
            case '5', 'D' -> EntryType.DIRECTORY; // 'D': GNU dumpdir, a directory whose data lists its names
            case '6' -> EntryType.FIFO;
            case '0', 0 -> rawName.endsWith("/") ? EntryType.DIRECTORY : EntryType.FILE;
            default -> EntryType.FILE; // '7' contiguous file, 'S' GNU sparse, vendor extensions
        };
    }

    /** Reads a header block; false at a clean end of stream (tolerated: many writers omit the end blocks). */
    private boolean readHeader(long at, boolean pendingMeta) throws IOException {
        try {
            if (in.readBlock(block)) {
                return true;
            }
        } catch (EOFException e) {
            throw new CorruptLayerException(layer, null, "truncated archive: " + e.getMessage() + " (at offset " + at + ")");
        }
        done = true;
        if (pendingMeta) {
            throw new CorruptLayerException(layer, null, "the archive ends after an extended header at offset "
                    + at + ", without the entry it describes");
        }
        return false;
    }

    /** After one zero block: a second one (or the end of the stream) ends the archive. */
    private void endOfArchive(long at) throws IOException {
        done = true;
        try {
            if (!in.readBlock(block) || TarHeader.isZero(block)) {
                return;
            }
        } catch (EOFException e) {
            return; // padding cut short after the end marker: nothing of value is lost
        }
        throw new CorruptLayerException(layer, null, "a zero block at offset " + at
                + " is followed by a header: the archive is corrupt (or concatenated without stripping its end)");
    }

    private String gnuLongName(TarHeader h) throws IOException {
        byte[] data = readMeta(h);
        int len = data.length;
        while (len > 0 && data[len - 1] == 0) {
            len--; // the name is NUL-terminated; an inner NUL is kept so that normalization rejects it
        }
        return TarPaths.decodeExactly(data, 0, len);
    }

    private byte[] readMeta(TarHeader h) throws IOException {
        if (h.size > MAX_META_BYTES) {
            throw h.corrupt(layer, "an extended header of " + h.size + " bytes (limit " + MAX_META_BYTES + ")");
        }
        byte[] data = new byte[(int) h.size];
        try {
            in.readFully(data, 0, data.length);
        } catch (EOFException e) {
            throw h.corrupt(layer, "truncated archive: " + e.getMessage() + " in an extended header");
        }
        skipData(h, 0, h.name);
        return data;
    }

    /** Skips {@code remaining} content bytes of the member at {@code h}, then the padding to the next block. */
    private void skipData(TarHeader h, long remaining, String name) throws IOException {
        try {
            in.skip(remaining);
        } catch (EOFException e) {
            throw new CorruptLayerException(layer, name, "truncated archive: the content (tar header at offset "
                    + h.offset + ") " + e.getMessage());
        }
        long pad = BlockInput.padded(in.position()) - in.position();
        try {
            in.skip(pad);
        } catch (EOFException e) {
            done = true; // only the padding of the last member is missing: the content is whole
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
