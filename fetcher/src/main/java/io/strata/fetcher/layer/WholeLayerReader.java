package io.strata.fetcher.layer;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Serves entry content from a layer's uncompressed tar stream ({@link StoredBytes}: verified before anything is
 * read from it), mapping an entry's logical bytes onto its stored bytes (sparse files) and following hard links.
 * Holds no position, so concurrent readers need no lock.
 *
 * <p>A {@link EntryType#HARDLINK} entry has no content of its own: the union normally passes the link's target
 * entry, but when given the link itself the reader follows it through this layer's index (a map built on the
 * first such read). Entries that are not files read as empty. Close the reader when the layer is unmounted.
 */
final class WholeLayerReader implements EntryReader, Closeable {

    /** Tar hardlinks point at an earlier entry; a chain longer than this is a loop in a hostile index. */
    private static final int MAX_LINK_HOPS = 16;

    private final String layer;
    private final StoredBytes bytes;
    private final long fileSize;
    private final LayerIndex index;
    private final LayerStats stats;
    private volatile Map<String, Entry> byPath;

    WholeLayerReader(String layer, StoredBytes bytes, LayerIndex index, LayerStats stats) {
        this.layer = layer;
        this.bytes = bytes;
        this.fileSize = bytes.length();
        this.index = index;
        this.stats = stats;
    }

    @Override
    public int read(Entry entry, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " reading '" + entry.path() + "'");
        }
        Entry e = entry.type() == EntryType.HARDLINK ? resolve(entry) : entry;
        if (e.type() != EntryType.FILE || offset >= e.size() || length == 0) {
            return 0;
        }
        int n = (int) Math.min(length, e.size() - offset);
        checkStoredRange(e);
        if (e.isSparse()) {
            readSparse(e, offset, dst, dstOffset, n);
        } else {
            readStored(e, e.contentOffset() + offset, dst, dstOffset, n);
        }
        stats.cacheHits.incrementAndGet();
        stats.bytesServed.addAndGet(n);
        return n;
    }

    /** Stored bytes must lie inside the cached file; a dense file stores exactly its size. */
    private void checkStoredRange(Entry e) throws IOException {
        long start = e.contentOffset();
        long stored = e.storedSize();
        boolean inside = start >= 0 && stored >= 0 && start <= fileSize && stored <= fileSize - start;
        if (!inside || (!e.isSparse() && stored != e.size())) {
            throw corruptIndex(e, "its content is said to be " + stored + " bytes at offset " + start
                    + " (size " + e.size() + "), outside the cached layer's " + fileSize + " bytes");
        }
    }

    /**
     * Walks the segments in logical order: holes read as zeros, data comes from the stored bytes, which hold
     * the segments back to back. Each segment is checked as it is passed, so a damaged map fails instead of
     * reading another entry's bytes.
     */
    private void readSparse(Entry e, long offset, byte[] dst, int dstOffset, int n) throws IOException {
        long[] map = e.sparseMap();
        long end = offset + n;
        long pos = offset;
        long stored = 0;
        long prevEnd = 0;
        for (int i = 0; i < map.length && pos < end; i += 2) {
            long segOff = map[i];
            long segLen = map[i + 1];
            if (segOff < prevEnd || segLen < 0 || segLen > e.size() - segOff || segLen > e.storedSize() - stored) {
                throw corruptIndex(e, "its sparse map is inconsistent at segment " + i / 2);
            }
            prevEnd = segOff + segLen;
            if (pos < segOff) {
                int zeros = (int) (Math.min(segOff, end) - pos);
                Arrays.fill(dst, dstOffset + (int) (pos - offset), dstOffset + (int) (pos - offset) + zeros, (byte) 0);
                pos += zeros;
            }
            if (pos < end && pos < prevEnd) {
                int take = (int) (Math.min(prevEnd, end) - pos);
                readStored(e, e.contentOffset() + stored + (pos - segOff), dst, dstOffset + (int) (pos - offset), take);
                pos += take;
            }
            stored += segLen;
        }
        if (pos < end) {
            Arrays.fill(dst, dstOffset + (int) (pos - offset), dstOffset + n, (byte) 0); // trailing hole
        }
    }

    private void readStored(Entry e, long position, byte[] dst, int off, int len) throws IOException {
        bytes.readFully(position, dst, off, len);
    }

    private Entry resolve(Entry link) throws IOException {
        Map<String, Entry> map = byPath;
        if (map == null) {
            synchronized (this) {
                if (byPath == null) {
                    Map<String, Entry> m = new HashMap<>(index.entries().size() * 2);
                    for (Entry x : index.entries()) {
                        m.put(x.path(), x);
                    }
                    byPath = m;
                }
                map = byPath;
            }
        }
        Entry e = link;
        for (int hops = 0; e.type() == EntryType.HARDLINK; hops++) {
            Entry target = map.get(e.linkTarget());
            if (target == null || hops == MAX_LINK_HOPS) {
                throw new IOException("hard link '" + link.path() + "' of layer " + layer + " points to '"
                        + e.linkTarget() + "', which " + (target == null ? "is not in the layer" : "is a loop of hard links")
                        + " (the layer is malformed; rebuild or re-push the image)");
            }
            e = target;
        }
        return e;
    }

    private IOException corruptIndex(Entry e, String problem) {
        return new IOException("index of layer " + layer + " is corrupt for '" + e.path() + "': " + problem
                + "; delete the layer's index in the cache (indexes/) to re-fetch it");
    }

    @Override
    public void close() throws IOException {
        bytes.close();
    }
}
