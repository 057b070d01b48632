package io.strata.fetcher.layer.estargz;

import java.util.Arrays;
import java.util.Map;

/**
 * Where the content of every regular file of one eStargz layer lives: its chunks, in file order, as parallel
 * arrays (one slot per chunk, a few tens of bytes each, however many files the layer has). A hard link's path
 * maps to its target's chunks. Immutable once built by {@link TocIndex}.
 *
 * <p>Several chunks may share one gzip member (TOC {@code innerOffset}, written by {@code ctr-remote
 * --estargz-min-chunk-size}): they have the same {@link #compressedStart} and range, and differ in
 * {@link #innerOffset}. {@link #sameMember} lists them, so that one decompression of the member serves all.
 */
final class ChunkTable {

    /** The chunks {@code [first, first + count)} of one file of {@code size} bytes. */
    record FileChunks(int first, int count, long size) {
    }

    private final Map<String, FileChunks> files;
    /** Offset in the blob of the gzip member that holds the chunk's content (TOC {@code offset}). */
    final long[] compressedStart;
    /** Where the compressed range to fetch ends: the next member that holds a chunk, or the TOC. */
    final long[] compressedEnd;
    /** Where the chunk's bytes start in the decompressed stream of its member (0 when they start it). */
    final long[] innerOffset;
    /** Offset of the chunk in its file's content. */
    final long[] fileOffset;
    /** Uncompressed size of the chunk. */
    final int[] size;
    /** {@code sha256:<hex>} of the chunk's uncompressed bytes, from the verified TOC. */
    final String[] digest;
    /**
     * Every chunk of a shared member, sorted by member start then {@link #innerOffset}; null when no member is
     * shared (the usual layout: one array less per chunk).
     */
    private final int[] byMember;

    ChunkTable(Map<String, FileChunks> files, long[] compressedStart, long[] compressedEnd, long[] innerOffset,
               long[] fileOffset, int[] size, String[] digest, int[] byMember) {
        this.files = Map.copyOf(files);
        this.compressedStart = compressedStart;
        this.compressedEnd = compressedEnd;
        this.innerOffset = innerOffset;
        this.fileOffset = fileOffset;
        this.size = size;
        this.digest = digest;
        this.byMember = byMember;
    }

    /** The chunks of the regular file (or hard link to one) at {@code path}, or null when it has no content. */
    FileChunks file(String path) {
        return files.get(path);
    }

    /** The chunk of {@code f} that holds byte {@code position} of the file (0 <= position < size). */
    int chunkAt(FileChunks f, long position) {
        int lo = f.first();
        int hi = f.first() + f.count() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (fileOffset[mid] <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * The chunks whose bytes are in the gzip member at {@code start}, in stream order (they do not overlap:
     * {@link TocIndex} checked it); just the chunk {@code c} itself when its member is not shared.
     */
    int[] sameMember(int c) {
        long start = compressedStart[c];
        if (byMember == null) {
            return new int[] {c};
        }
        int lo = 0;
        int hi = byMember.length;
        while (lo < hi) { // the first chunk of a member at or after start
            int mid = (lo + hi) >>> 1;
            if (compressedStart[byMember[mid]] < start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int end = lo;
        while (end < byMember.length && compressedStart[byMember[end]] == start) {
            end++;
        }
        return end == lo ? new int[] {c} : Arrays.copyOfRange(byMember, lo, end);
    }

    int chunkCount() {
        return size.length;
    }
}
