package io.strata.fetcher.layer.estargz;

import java.util.Map;

/**
 * Where the content of every regular file of one eStargz layer lives: its chunks, in file order, as parallel
 * arrays (one slot per chunk, a few tens of bytes each, however many files the layer has). A hard link's path
 * maps to its target's chunks. Immutable once built by {@link TocIndex}.
 */
final class ChunkTable {

    /** The chunks {@code [first, first + count)} of one file of {@code size} bytes. */
    record FileChunks(int first, int count, long size) {
    }

    private final Map<String, FileChunks> files;
    /** Offset in the blob of the gzip member where the chunk's content starts. */
    final long[] compressedStart;
    /** Where the compressed range to fetch ends: the next chunk's member, or the TOC. */
    final long[] compressedEnd;
    /** Offset of the chunk in its file's content. */
    final long[] fileOffset;
    /** Uncompressed size of the chunk. */
    final int[] size;
    /** {@code sha256:<hex>} of the chunk's uncompressed bytes, from the verified TOC. */
    final String[] digest;

    ChunkTable(Map<String, FileChunks> files, long[] compressedStart, long[] compressedEnd, long[] fileOffset,
               int[] size, String[] digest) {
        this.files = Map.copyOf(files);
        this.compressedStart = compressedStart;
        this.compressedEnd = compressedEnd;
        this.fileOffset = fileOffset;
        this.size = size;
        this.digest = digest;
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

    int chunkCount() {
        return size.length;
    }
}
