package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.CorruptLayerException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The four ways GNU tar writes the data map of a sparse file (GNU tar manual, "Storing Sparse Files"), each
 * turned into {@code (offset, length)} pairs of data segments in logical order, stored back to back.
 *
 * <ul>
 *   <li>old GNU, typeflag {@code 'S'}: four pairs in the header, more in 512-byte extension blocks (21 pairs
 *       each, {@code isextended} at byte 504), logical size in {@code realsize};</li>
 *   <li>PAX 0.0: repeated {@code GNU.sparse.offset}/{@code GNU.sparse.numbytes} records;</li>
 *   <li>PAX 0.1: one {@code GNU.sparse.map} record {@code "off,len,off,len"};</li>
 *   <li>PAX 1.0 ({@code GNU.sparse.major=1}): the map is at the start of the entry's data as decimal lines
 *       (count, then offset and length of each segment), padded to a 512-byte boundary.</li>
 * </ul>
 */
final class SparseMaps {

    /** Generous bound on segments per file: a map is held in memory and written into the index. */
    static final int MAX_SEGMENTS = 1 << 20;

    private SparseMaps() {
    }

    /** Old GNU: the header's four slots, then extension blocks while {@code isextended} is set. */
    static List<Long> oldGnu(TarHeader h, BlockInput in, String layer) throws IOException {
        List<Long> pairs = new ArrayList<>();
        readSlots(h.block, TarHeader.GNU_SPARSE_OFFSET, TarHeader.GNU_SPARSE_ENTRIES, pairs, h, layer);
        boolean extended = h.block[TarHeader.GNU_IS_EXTENDED] != 0;
        byte[] ext = new byte[BlockInput.BLOCK];
        while (extended) {
            try {
                in.readFully(ext, 0, BlockInput.BLOCK);
            } catch (EOFException e) {
                throw h.corrupt(layer, "truncated archive: " + e.getMessage() + " in a GNU sparse extension block");
            }
            readSlots(ext, 0, 21, pairs, h, layer);
            extended = ext[504] != 0;
            if (pairs.size() > 2 * MAX_SEGMENTS) {
                throw h.corrupt(layer, "more than " + MAX_SEGMENTS + " sparse segments");
            }
        }
        return pairs;
    }

    private static void readSlots(byte[] b, int off, int count, List<Long> pairs, TarHeader h, String layer)
            throws CorruptLayerException {
        for (int i = 0; i < count; i++) {
            int at = off + i * 24;
            if (b[at] == 0) {
                return; // an empty slot ends the list
            }
            try {
                pairs.add(TarHeader.parseNumber(b, at, 12));
                pairs.add(TarHeader.parseNumber(b, at + 12, 12));
            } catch (NumberFormatException e) {
                throw h.corrupt(layer, "GNU sparse map slot " + e.getMessage());
            }
        }
    }

    /** PAX 0.1: {@code GNU.sparse.map=off,len,...}. */
    static List<Long> pax01(String map, TarHeader h, String layer) throws CorruptLayerException {
        List<Long> pairs = new ArrayList<>();
        if (map.isEmpty()) {
            return pairs;
        }
        for (String part : map.split(",", -1)) {
            pairs.add(decimal(part, h, layer, "GNU.sparse.map"));
            if (pairs.size() > 2 * MAX_SEGMENTS) {
                throw h.corrupt(layer, "more than " + MAX_SEGMENTS + " sparse segments");
            }
        }
        return pairs;
    }

    /**
     * PAX 1.0: reads the map from the data start; returns the pairs and consumes the map's padded blocks
     * (the caller computes how many from the stream position).
     */
    static List<Long> pax10(BlockInput in, long dataSize, TarHeader h, String layer) throws IOException {
        byte[] block = new byte[BlockInput.BLOCK];
        int pos = BlockInput.BLOCK;
        long consumed = 0;
        List<Long> numbers = new ArrayList<>();
        long count = -1;
        StringBuilder digits = new StringBuilder();
        while (count < 0 || numbers.size() < 2 * count) {
            if (pos == BlockInput.BLOCK) {
                if (consumed + BlockInput.BLOCK > BlockInput.padded(dataSize)) {
                    throw h.corrupt(layer, "the PAX sparse 1.0 map runs past the entry's data");
                }
                try {
                    in.readFully(block, 0, BlockInput.BLOCK);
                } catch (EOFException e) {
                    throw h.corrupt(layer, "truncated archive: " + e.getMessage() + " in the PAX sparse 1.0 map");
                }
                consumed += BlockInput.BLOCK;
                pos = 0;
            }
            byte c = block[pos++];
            if (c == '\n') {
                long n = decimal(digits.toString(), h, layer, "PAX sparse 1.0 map");
                digits.setLength(0);
                if (count < 0) {
                    if (n > MAX_SEGMENTS) {
                        throw h.corrupt(layer, "the PAX sparse 1.0 map claims " + n + " segments (limit " + MAX_SEGMENTS + ")");
                    }
                    count = n;
                } else {
                    numbers.add(n);
                }
            } else if (c >= '0' && c <= '9' && digits.length() < 20) {
                digits.append((char) c);
            } else {
                throw h.corrupt(layer, "the PAX sparse 1.0 map holds an unexpected byte " + (c & 0xff));
            }
        }
        return numbers;
    }

    /**
     * Checks that segments are in order, do not overlap, lie within {@code logicalSize} and that their lengths
     * add up to the stored bytes; drops empty segments (GNU tar ends maps with {@code (size, 0)}).
     */
    static long[] validate(List<Long> pairs, long logicalSize, long storedSize, TarHeader h, String name, String layer)
            throws CorruptLayerException {
        List<Long> kept = new ArrayList<>(pairs.size());
        long end = 0;
        long total = 0;
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            long off = pairs.get(i);
            long len = pairs.get(i + 1);
            if (off < end || len < 0 || off + len < off || off + len > logicalSize) {
                throw new CorruptLayerException(layer, name, "sparse segment (" + off + ", " + len
                        + ") is out of order, overlaps the previous one or lies past the file size " + logicalSize);
            }
            if (len > 0) {
                kept.add(off);
                kept.add(len);
                total += len;
                end = off + len;
            }
        }
        if (pairs.size() % 2 != 0 || total != storedSize) {
            throw new CorruptLayerException(layer, name, "the sparse map covers " + total + " bytes but the archive stores "
                    + storedSize + " (tar header at offset " + h.offset + ")");
        }
        long[] out = new long[kept.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = kept.get(i);
        }
        return out;
    }

    private static long decimal(String text, TarHeader h, String layer, String what) throws CorruptLayerException {
        try {
            long n = Long.parseLong(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw h.corrupt(layer, what + " holds '" + text + "', not a non-negative decimal number");
    }
}
