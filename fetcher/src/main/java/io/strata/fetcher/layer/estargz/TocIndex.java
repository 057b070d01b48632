package io.strata.fetcher.layer.estargz;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.tar.TarPaths;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a verified TOC into the layer's {@link LayerIndex} and {@link ChunkTable}. Every number and name of the
 * TOC is checked here, so that the reader can trust the table: a chunk lies before the TOC, chunks of a file
 * start at 0, follow each other without gap or overlap and end at the file's size, and chunks that share a gzip
 * member ({@code innerOffset}) end within {@link #MAX_INNER_END} bytes of its stream without overlapping.
 *
 * <p>Index entries carry {@code contentOffset = 0} and {@code storedSize = size}: an eStargz layer has no
 * addressable uncompressed stream, its content is found through the chunk table by path.
 */
final class TocIndex {

    /** Landmark files mark the end of the prioritized files (docs/estargz.md); never shown to users. */
    static final String PREFETCH_LANDMARK = ".prefetch.landmark";
    static final String NO_PREFETCH_LANDMARK = ".no.prefetch.landmark";

    /** A chunk is held in memory whole; the reference writes 4 MiB. Larger is hostile or broken. */
    static final int MAX_CHUNK = 64 << 20;
    /** One fetch of one chunk: its member plus the headers that follow it in the same member. */
    static final long MAX_COMPRESSED_RANGE = 128L << 20;
    /**
     * How far into its member's decompressed stream a chunk may end ({@code innerOffset + size}): the bytes
     * inflated to reach and read it. The reference packs files into one member only until the member has
     * {@code --estargz-min-chunk-size} compressed bytes (tens of KiB in practice), so even very compressible
     * content stays far below this; more is a decompression bomb in CPU time.
     */
    static final long MAX_INNER_END = MAX_COMPRESSED_RANGE;

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final int MAX_LINK_HOPS = 16;

    /**
     * What the TOC yields.
     *
     * @param prioritized the regular files and hard links before the {@code .prefetch.landmark}, in TOC order (empty
     *                    without one)
     */
    record Built(LayerIndex index, ChunkTable chunks, List<String> prioritized) {
    }

    private record Chunk(long compressedStart, long innerOffset, long fileOffset, long declaredSize, String digest) {
    }

    private final String layer;
    private final long tocOffset;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, List<Chunk>> fileChunks = new HashMap<>();
    private final Map<String, Long> fileSizes = new HashMap<>();
    private List<String> prioritized = List.of();

    private TocIndex(String layer, long tocOffset) {
        this.layer = layer;
        this.tocOffset = tocOffset;
    }

    /**
     * The name of a non-empty regular file without a {@code chunkDigest}, or null when every chunk can be
     * verified. A stargz TOC (pre-eStargz) has none: its chunks cannot be checked, so it is not served lazily.
     */
    static String firstUnverifiable(Toc toc) {
        for (Toc.TocEntry e : toc.entries()) {
            boolean content = ("reg".equals(e.type()) && e.sizeOr0() > 0) || "chunk".equals(e.type());
            if (content && e.chunkDigest() == null) {
                return e.name();
            }
        }
        return null;
    }

    /** @throws CorruptLayerException when the TOC describes something impossible */
    static Built build(Toc toc, long tocOffset, Digest layerDigest, Digest diffId) throws CorruptLayerException {
        TocIndex b = new TocIndex(layerDigest.toString(), tocOffset);
        b.readEntries(toc.entries());
        return new Built(new LayerIndex(layerDigest, diffId, new ArrayList<>(b.entries.values())), b.table(),
                b.prioritized);
    }

    private void readEntries(List<Toc.TocEntry> toc) throws CorruptLayerException {
        String current = null; // the regular file whose chunk entries may follow
        for (Toc.TocEntry e : toc) {
            if (e == null || e.name() == null || e.type() == null) {
                throw corrupt(null, "a TOC entry has no name or no type");
            }
            String path = TarPaths.normalize(e.name(), layer);
            if (e.type().equals("chunk")) {
                if (!path.equals(current)) {
                    throw corrupt(e.name(), "a chunk entry does not follow the regular file it belongs to");
                }
                fileChunks.get(path).add(chunkOf(e));
                continue;
            }
            current = null;
            EntryType type = typeOf(e);
            long size = type == EntryType.FILE ? e.sizeOr0() : 0;
            if (size < 0) {
                throw corrupt(e.name(), "negative size " + size);
            }
            fileChunks.remove(path);
            fileSizes.remove(path);
            if (type == EntryType.FILE) {
                current = path;
                fileChunks.put(path, new ArrayList<>());
                fileSizes.put(path, size);
                if (size > 0) {
                    fileChunks.get(path).add(chunkOf(e));
                }
            }
            if (path.equals(PREFETCH_LANDMARK) || path.equals(NO_PREFETCH_LANDMARK)) {
                if (path.equals(PREFETCH_LANDMARK)) {
                    // Everything before the landmark is what the layer's author wants fetched first. A hard link
                    // counts: `ctr-remote image optimize` records the name the workload opened, which may be a link
                    // whose target an upper layer hides (the target alone would then prefetch nothing).
                    prioritized = entries.values().stream()
                            .filter(x -> x.type() == EntryType.FILE || x.type() == EntryType.HARDLINK)
                            .map(Entry::path).toList();
                }
                continue;
            }
            entries.remove(path); // a later entry of the same path replaces the earlier one, in the later place
            entries.put(path, entryOf(e, path, type, size));
        }
    }

    private Chunk chunkOf(Toc.TocEntry e) throws CorruptLayerException {
        if (e.chunkDigest() == null || !SHA256.matcher(e.chunkDigest()).matches()) {
            throw corrupt(e.name(), "chunk digest '" + e.chunkDigest() + "' is not sha256:<64 hex digits>");
        }
        long start = e.offsetOr0();
        if (start < 0 || start >= tocOffset) {
            throw corrupt(e.name(), "chunk offset " + start + " is outside the blob's content (the TOC starts at "
                    + tocOffset + ")");
        }
        long inner = e.innerOffset() == null ? 0 : e.innerOffset();
        if (inner < 0 || inner >= MAX_INNER_END) {
            throw corrupt(e.name(), "innerOffset " + inner + " (chunkOffset " + e.chunkOffsetOr0() + ") is not a"
                    + " place in a gzip member's stream: it must be at least 0 and below " + MAX_INNER_END);
        }
        return new Chunk(start, inner, e.chunkOffsetOr0(), e.chunkSizeOr0(), e.chunkDigest());
    }

    private Entry entryOf(Toc.TocEntry e, String path, EntryType type, long size) throws CorruptLayerException {
        String link = null;
        if (type == EntryType.SYMLINK || type == EntryType.HARDLINK) {
            if (e.linkName() == null || e.linkName().isEmpty()) {
                throw corrupt(e.name(), "a " + e.type() + " without linkName");
            }
            link = type == EntryType.HARDLINK ? TarPaths.normalize(e.linkName(), layer) : e.linkName();
        }
        long seconds = 0;
        int nanos = 0;
        if (e.modtime() != null && !e.modtime().isEmpty()) {
            try {
                Instant t = Instant.from(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(e.modtime()));
                seconds = t.getEpochSecond();
                nanos = t.getNano();
            } catch (DateTimeParseException ex) {
                throw corrupt(e.name(), "modtime '" + e.modtime() + "' is not an RFC 3339 time");
            }
        }
        Map<String, byte[]> xattrs = new TreeMap<>();
        if (e.xattrs() != null) {
            for (var kv : e.xattrs().entrySet()) {
                try {
                    xattrs.put(kv.getKey(), Base64.getDecoder().decode(kv.getValue() == null ? "" : kv.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw corrupt(e.name(), "xattr '" + kv.getKey() + "' is not base64");
                }
            }
        }
        long mode = e.mode() == null ? 0 : e.mode();
        return new Entry(path, type, (int) (mode & 07777), nonNegative(e.uid()), nonNegative(e.gid()), size,
                seconds, nanos, link, (int) nonNegative(e.devMajor()), (int) nonNegative(e.devMinor()), xattrs,
                0, size, null);
    }

    private EntryType typeOf(Toc.TocEntry e) throws CorruptLayerException {
        return switch (e.type()) {
            case "dir" -> EntryType.DIRECTORY;
            case "reg" -> EntryType.FILE;
            case "symlink" -> EntryType.SYMLINK;
            case "hardlink" -> EntryType.HARDLINK;
            case "char" -> EntryType.CHAR_DEVICE;
            case "block" -> EntryType.BLOCK_DEVICE;
            case "fifo" -> EntryType.FIFO;
            default -> throw corrupt(e.name(), "unknown TOC entry type '" + e.type() + "'");
        };
    }

    private static long nonNegative(Long v) {
        return v == null || v < 0 ? 0 : v;
    }

    /** Checks every file's chunks, lays them out in arrays and computes each chunk's compressed range. */
    private ChunkTable table() throws CorruptLayerException {
        int total = fileChunks.values().stream().mapToInt(List::size).sum();
        long[] start = new long[total];
        long[] end = new long[total];
        long[] inner = new long[total];
        long[] fileOffset = new long[total];
        int[] size = new int[total];
        String[] digest = new String[total];
        String[] owner = new String[total]; // for error messages only
        Map<String, ChunkTable.FileChunks> files = new HashMap<>();
        int next = 0;
        for (var kv : fileChunks.entrySet()) {
            List<Chunk> chunks = kv.getValue();
            long fileSize = fileSizes.get(kv.getKey());
            if (chunks.isEmpty()) {
                continue;
            }
            int first = next;
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                long chunkEnd = i + 1 < chunks.size() ? chunks.get(i + 1).fileOffset() : fileSize;
                long length = chunkEnd - c.fileOffset();
                boolean startsRight = i == 0 ? c.fileOffset() == 0 : c.fileOffset() > 0;
                boolean declared = c.declaredSize() == 0 ? i + 1 == chunks.size() : c.declaredSize() == length;
                if (!startsRight || length <= 0 || length > MAX_CHUNK || !declared) {
                    throw corrupt(kv.getKey(), "chunk " + i + " (chunkOffset " + c.fileOffset() + ", chunkSize "
                            + c.declaredSize() + ") does not fit the file's " + fileSize + " bytes and its other"
                            + " chunks (chunks must start at 0, follow each other and be at most " + MAX_CHUNK
                            + " bytes)");
                }
                if (c.innerOffset() + length > MAX_INNER_END) {
                    throw corrupt(kv.getKey(), "chunk " + i + " (chunkOffset " + c.fileOffset() + ", " + length
                            + " bytes) ends at innerOffset " + c.innerOffset() + " + " + length + " in the gzip"
                            + " member at offset " + c.compressedStart() + ", beyond the " + MAX_INNER_END
                            + " bytes Strata inflates to reach a chunk");
                }
                start[next] = c.compressedStart();
                inner[next] = c.innerOffset();
                fileOffset[next] = c.fileOffset();
                size[next] = (int) length;
                digest[next] = c.digest();
                owner[next] = kv.getKey();
                next++;
            }
            files.put(kv.getKey(), new ChunkTable.FileChunks(first, chunks.size(), fileSize));
        }
        computeEnds(start, end);
        int[] byMember = sharedMembers(start, inner, size, owner);
        linkHardlinks(files);
        return new ChunkTable(files, start, end, inner, fileOffset, size, digest, byMember);
    }

    /**
     * The chunks of members that hold more than one chunk, sorted by member and {@code innerOffset}; null when
     * there are none. Chunks of one member must not overlap in its stream: each is the payload of its own tar
     * entry (docs/estargz.md, "Details about innerOffset"), so an overlap is an impossible TOC.
     */
    private int[] sharedMembers(long[] start, long[] inner, int[] size, String[] owner) throws CorruptLayerException {
        long[] sorted = start.clone();
        Arrays.sort(sorted);
        boolean anyShared = false;
        for (int i = 1; i < sorted.length && !anyShared; i++) {
            anyShared = sorted[i] == sorted[i - 1];
        }
        if (!anyShared) {
            return null; // the usual layout: every chunk starts its own member, no boxed sort needed
        }
        Integer[] order = new Integer[start.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> start[a] != start[b] ? Long.compare(start[a], start[b])
                : Long.compare(inner[a], inner[b]));
        List<Integer> shared = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            boolean withPrevious = i > 0 && start[order[i - 1]] == start[order[i]];
            boolean withNext = i + 1 < order.length && start[order[i + 1]] == start[order[i]];
            if (withPrevious) {
                int p = order[i - 1];
                int c = order[i];
                if (inner[p] + size[p] > inner[c]) {
                    throw corrupt(owner[c], "its chunk at innerOffset " + inner[c] + " of the gzip member at offset "
                            + start[c] + " overlaps the " + size[p] + " bytes at innerOffset " + inner[p] + " of '"
                            + owner[p] + "' (chunks sharing a member must follow each other in its stream)");
                }
            }
            if (withPrevious || withNext) {
                shared.add(order[i]);
            }
        }
        return shared.isEmpty() ? null : shared.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A chunk's member ends where the next chunk's member (or the TOC) begins. */
    private void computeEnds(long[] start, long[] end) throws CorruptLayerException {
        long[] sorted = Arrays.copyOf(start, start.length + 1);
        sorted[start.length] = tocOffset;
        Arrays.sort(sorted);
        for (int i = 0; i < start.length; i++) {
            int at = Arrays.binarySearch(sorted, start[i]);
            while (sorted[at] == start[i]) {
                at++; // the TOC offset is larger than every chunk offset, so this stops
            }
            end[i] = sorted[at];
            if (end[i] - start[i] > MAX_COMPRESSED_RANGE) {
                throw corrupt(null, "the gzip member at offset " + start[i] + " spans " + (end[i] - start[i])
                        + " bytes, more than " + MAX_COMPRESSED_RANGE + " (no sane chunk compresses to that)");
            }
        }
    }

    /** A hard link reads as its target (following links of links, which the union may also pass us). */
    private void linkHardlinks(Map<String, ChunkTable.FileChunks> files) throws CorruptLayerException {
        for (Entry e : entries.values()) {
            if (e.type() != EntryType.HARDLINK) {
                continue;
            }
            Entry target = e;
            for (int hops = 0; target != null && target.type() == EntryType.HARDLINK; hops++) {
                if (hops == MAX_LINK_HOPS) {
                    throw corrupt(e.path(), "its hard links form a loop");
                }
                target = entries.get(target.linkTarget());
            }
            if (target != null && files.containsKey(target.path())) {
                files.put(e.path(), files.get(target.path()));
            }
        }
    }

    private CorruptLayerException corrupt(String entry, String problem) {
        return new CorruptLayerException(layer, entry, "its eStargz TOC is invalid: " + problem);
    }
}
