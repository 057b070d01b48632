package io.strata.fetcher.layer.estargz;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.DigestingOutputStream;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.tar.TarHeaders;
import io.strata.fetcher.layer.tar.TarIndexer;
import io.strata.fetcher.layer.tar.TarPaths;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts an uncompressed tar into an eStargz blob, in the layout of the reference implementation
 * (containerd/stargz-snapshotter {@code estargz}): each regular file's content is cut into chunks of
 * {@code chunkSize} bytes, each chunk starts its own gzip member (its tar header goes in the member before);
 * then the TOC member and the 51-byte footer. Prioritized files (with their parent directories) come first,
 * followed by {@code .prefetch.landmark}; without a list, {@code .no.prefetch.landmark} comes first.
 *
 * <p>The blob is a valid {@code tar+gzip} layer for any tool; its uncompressed tar (whose sha256 is the new
 * diff_id) holds the same entries as the input with headers re-encoded (ustar + PAX), sparse files made dense,
 * plus the landmark and the TOC entries. Not thread-safe: one writer writes one blob at a time.
 */
public final class EStargzWriter {

    /** The reference implementation's default chunk size. */
    public static final int DEFAULT_CHUNK_SIZE = 4 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(EStargzWriter.class);
    private static final byte LANDMARK_CONTENT = 0x0f;

    /**
     * What a conversion produced.
     *
     * @param blobDigest       digest of the eStargz blob (the layer descriptor's digest)
     * @param blobSize         its size in bytes
     * @param diffId           sha256 of the uncompressed tar the blob holds (the config's diff_id)
     * @param tocDigest        sha256 of the TOC JSON (the {@value EStargzFormat#TOC_DIGEST_ANNOTATION} annotation)
     * @param uncompressedSize size of the uncompressed tar
     */
    public record Result(Digest blobDigest, long blobSize, Digest diffId, Digest tocDigest, long uncompressedSize) {

        /** The annotations the layer descriptor must carry for the layer to be lazily readable. */
        public Map<String, String> annotations() {
            return Map.of(EStargzFormat.TOC_DIGEST_ANNOTATION, tocDigest.toString(),
                    EStargzFormat.UNCOMPRESSED_SIZE_ANNOTATION, Long.toString(uncompressedSize));
        }
    }

    private final int chunkSize;
    private final List<String> prioritized;

    /** Default chunk size, no prioritized files. */
    public EStargzWriter() {
        this(DEFAULT_CHUNK_SIZE, List.of());
    }

    /**
     * @param chunkSize   bytes of file content per chunk (1 KiB to 64 MiB)
     * @param prioritized paths of the files to put first, in this order (paths absent from a layer are skipped)
     */
    public EStargzWriter(int chunkSize, List<String> prioritized) {
        if (chunkSize < 1024 || chunkSize > TocIndex.MAX_CHUNK) {
            throw new IllegalArgumentException("eStargz chunk size " + chunkSize + " is out of range: use 1 KiB to "
                    + (TocIndex.MAX_CHUNK >> 20) + " MiB (default " + (DEFAULT_CHUNK_SIZE >> 20) + " MiB)");
        }
        this.chunkSize = chunkSize;
        this.prioritized = List.copyOf(prioritized);
    }

    /**
     * Writes the eStargz form of the uncompressed tar {@code tar} to {@code out} (not closed).
     *
     * @throws CorruptLayerException when the tar is malformed
     */
    public Result write(Path tar, OutputStream out) throws IOException {
        List<Entry> entries;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            entries = TarIndexer.readAll(in, "tar " + tar);
        }
        try (FileChannel content = FileChannel.open(tar)) {
            return new Run(content, out).write(order(entries));
        }
    }

    /** Prioritized entries (parents and hard link targets first), the landmark, then the rest in tar order. */
    private List<Entry> order(List<Entry> input) throws CorruptLayerException {
        List<Entry> entries = new ArrayList<>();
        for (Entry e : input) {
            boolean ours = e.path().equals(TocIndex.PREFETCH_LANDMARK) || e.path().equals(TocIndex.NO_PREFETCH_LANDMARK)
                    || e.path().equals(Toc.TAR_NAME);
            if (!ours) {
                entries.add(e); // an input that is itself eStargz gets fresh landmarks and TOC
            }
        }
        Map<String, Entry> byPath = new HashMap<>();
        entries.forEach(e -> byPath.put(e.path(), e));
        Map<String, Entry> first = new LinkedHashMap<>();
        for (String raw : prioritized) {
            String path = TarPaths.normalize(raw, "prioritized files");
            if (!byPath.containsKey(path)) {
                LOG.debug("prioritized file '{}' is not in this layer", path);
                continue;
            }
            addWithParents(byPath.get(path), byPath, first, 0);
        }
        List<Entry> ordered = new ArrayList<>(first.values());
        ordered.add(landmark(first.isEmpty() ? TocIndex.NO_PREFETCH_LANDMARK : TocIndex.PREFETCH_LANDMARK));
        Set<String> done = new HashSet<>(first.keySet());
        for (Entry e : entries) {
            if (!done.contains(e.path())) {
                ordered.add(e);
            }
        }
        return ordered;
    }

    private static void addWithParents(Entry e, Map<String, Entry> byPath, Map<String, Entry> out, int depth) {
        if (out.containsKey(e.path()) || depth > 16) {
            return;
        }
        for (int slash = e.path().indexOf('/'); slash > 0; slash = e.path().indexOf('/', slash + 1)) {
            Entry parent = byPath.get(e.path().substring(0, slash));
            if (parent != null && !out.containsKey(parent.path())) {
                out.put(parent.path(), parent);
            }
        }
        if (e.type() == EntryType.HARDLINK && byPath.containsKey(e.linkTarget())) {
            addWithParents(byPath.get(e.linkTarget()), byPath, out, depth + 1);
        }
        out.put(e.path(), e);
    }

    private static Entry landmark(String name) {
        return new Entry(name, EntryType.FILE, 0644, 0, 0, 1, 0, 0, null, 0, 0, null, 0, 1, null);
    }

    /** One conversion: the blob stream, the current gzip member, and the TOC being built. */
    private final class Run {
        private final FileChannel content;
        private final DigestingOutputStream blob;
        private final MessageDigest tarDigest = Digest.newSha256();
        private final List<Toc.TocEntry> toc = new ArrayList<>();
        private GZIPOutputStream member;
        private long tarSize;

        Run(FileChannel content, OutputStream out) {
            this.content = content;
            this.blob = new DigestingOutputStream(out);
        }

        Result write(List<Entry> entries) throws IOException {
            byte[] buffer = new byte[chunkSize];
            for (Entry e : entries) {
                writeEntry(e, buffer);
            }
            closeMember();
            long tocOffset = blob.count();
            byte[] json = new Toc(1, toc).toJson();
            Entry tocEntry = new Entry(Toc.TAR_NAME, EntryType.FILE, 0644, 0, 0, json.length, 0, 0, null, 0, 0, null,
                    0, json.length, null);
            tar(TarHeaders.encode(tocEntry, json.length));
            tar(json);
            tar(new byte[TarHeaders.padding(json.length) + 2 * TarHeaders.BLOCK]); // and the end of the archive
            closeMember();
            blob.write(Footer.write(tocOffset));
            blob.flush();
            return new Result(blob.digest(), blob.count(),
                    new Digest("sha256", HexFormat.of().formatHex(tarDigest.digest())), Digest.sha256(json), tarSize);
        }

        private void writeEntry(Entry e, byte[] buffer) throws IOException {
            long size = e.type() == EntryType.FILE ? e.size() : 0;
            tar(TarHeaders.encode(e, size));
            if (size == 0) {
                toc.add(tocEntry(e, null, null, null, null, null, null));
                return;
            }
            MessageDigest fileDigest = Digest.newSha256();
            List<long[]> chunks = new ArrayList<>(); // {blob offset, file offset, size}
            List<String> digests = new ArrayList<>();
            for (long written = 0; written < size; ) {
                int length = (int) Math.min(chunkSize, size - written);
                readContent(e, written, buffer, length);
                closeMember(); // a chunk starts its own member: that is what makes it addressable
                chunks.add(new long[] {blob.count(), written, length});
                tar(buffer, length);
                fileDigest.update(buffer, 0, length);
                MessageDigest chunkDigest = Digest.newSha256();
                chunkDigest.update(buffer, 0, length);
                digests.add("sha256:" + HexFormat.of().formatHex(chunkDigest.digest()));
                written += length;
            }
            tar(new byte[TarHeaders.padding(size)]);
            String whole = "sha256:" + HexFormat.of().formatHex(fileDigest.digest());
            for (int i = 0; i < chunks.size(); i++) {
                long[] c = chunks.get(i);
                Long declared = i + 1 < chunks.size() ? c[2] : null; // the last chunk's size is 0 (spec)
                toc.add(i == 0 ? tocEntry(e, size, whole, c[0], null, declared, digests.get(i))
                        : new Toc.TocEntry(TarHeaders.tarName(e), "chunk", null, null, null, null, null, null, null, null,
                        null, null, null, null, c[0], c[1], declared, digests.get(i), null));
            }
        }

        private Toc.TocEntry tocEntry(Entry e, Long size, String digest, Long offset, Long chunkOffset, Long chunkSize,
                                      String chunkDigest) {
            Map<String, String> xattrs = null;
            if (!e.xattrs().isEmpty()) {
                xattrs = new TreeMap<>();
                for (var kv : e.xattrs().entrySet()) {
                    xattrs.put(kv.getKey(), Base64.getEncoder().encodeToString(kv.getValue()));
                }
            }
            boolean device = e.type() == EntryType.CHAR_DEVICE || e.type() == EntryType.BLOCK_DEVICE;
            String modtime = e.mtimeSeconds() == 0 && e.mtimeNanos() == 0 ? null
                    : Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()).toString();
            return new Toc.TocEntry(TarHeaders.tarName(e), typeName(e), size, modtime, e.linkTarget(),
                    (long) (e.mode() & 07777), e.uid(), e.gid(), null, null, device ? (long) e.devMajor() : null,
                    device ? (long) e.devMinor() : null, xattrs, digest, offset, chunkOffset, chunkSize, chunkDigest,
                    null);
        }

        /** Logical content of {@code e} at {@code position}: sparse files are expanded, holes are zeros. */
        private void readContent(Entry e, long position, byte[] dst, int length) throws IOException {
            if (e.path().equals(TocIndex.PREFETCH_LANDMARK) || e.path().equals(TocIndex.NO_PREFETCH_LANDMARK)) {
                dst[0] = LANDMARK_CONTENT; // ours: the input's landmarks were dropped
                return;
            }
            if (!e.isSparse()) {
                readStored(e.contentOffset() + position, dst, 0, length);
                return;
            }
            java.util.Arrays.fill(dst, 0, length, (byte) 0);
            long[] map = e.sparseMap();
            long stored = 0;
            for (int i = 0; i < map.length; i += 2) {
                long segStart = Math.max(map[i], position);
                long segEnd = Math.min(map[i] + map[i + 1], position + length);
                if (segStart < segEnd) {
                    readStored(e.contentOffset() + stored + (segStart - map[i]), dst, (int) (segStart - position),
                            (int) (segEnd - segStart));
                }
                stored += map[i + 1];
            }
        }

        private void readStored(long position, byte[] dst, int off, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(dst, off, length);
            while (buf.hasRemaining()) {
                if (content.read(buf, position + buf.position() - off) < 0) {
                    throw new IOException("the tar ends inside an entry's content at offset " + position);
                }
            }
        }

        private void tar(byte[] bytes) throws IOException {
            tar(bytes, bytes.length);
        }

        /** Uncompressed tar bytes: into the current gzip member (opened on demand) and the diff_id. */
        private void tar(byte[] bytes, int length) throws IOException {
            if (member == null) {
                member = new GZIPOutputStream(new FilterOutputStream(blob) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() {
                        // The member ends; the blob goes on.
                    }
                }, 1 << 16);
            }
            member.write(bytes, 0, length);
            tarDigest.update(bytes, 0, length);
            tarSize += length;
        }

        private void closeMember() throws IOException {
            if (member != null) {
                member.close();
                member = null;
            }
        }
    }

    private static String typeName(Entry e) {
        return switch (e.type()) {
            case FILE -> "reg";
            case DIRECTORY -> "dir";
            case SYMLINK -> "symlink";
            case HARDLINK -> "hardlink";
            case CHAR_DEVICE -> "char";
            case BLOCK_DEVICE -> "block";
            case FIFO -> "fifo";
        };
    }
}
