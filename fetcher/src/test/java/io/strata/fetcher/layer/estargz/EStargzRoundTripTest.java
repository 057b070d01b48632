package io.strata.fetcher.layer.estargz;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.cache.chunk.ChunkKey;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerContext;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.layer.PrefetchesInBulk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eStargz written by {@link EStargzWriter} from a GNU tar archive, then opened by {@link EStargzFormat} over an
 * in-memory source that counts range requests. Chunk size 1 MiB so that files span several chunks.
 *
 * <pre>
 * src/
 * ├── big.bin          5 MiB + 123 random bytes (6 chunks)
 * ├── mid.bin          1.5 MiB random (2 chunks); hard-linked as hard
 * ├── dir/small.txt    "hello eStargz\n"
 * ├── dir/empty        0 bytes
 * ├── dir/exact.bin    exactly 1 MiB (one full chunk)
 * └── link -> dir/small.txt
 * </pre>
 */
class EStargzRoundTripTest {

    private static final int CHUNK = 1 << 20;

    @TempDir
    Path tmp;

    private Path src;
    private Path tar;

    @BeforeEach
    void fixture() throws Exception {
        src = Files.createDirectories(tmp.resolve("src"));
        Random rnd = new Random(42);
        Files.write(src.resolve("big.bin"), random(rnd, 5 * CHUNK + 123));
        Files.write(src.resolve("mid.bin"), random(rnd, CHUNK + CHUNK / 2));
        Files.createDirectories(src.resolve("dir"));
        Files.writeString(src.resolve("dir/small.txt"), "hello eStargz\n");
        Files.write(src.resolve("dir/empty"), new byte[0]);
        Files.write(src.resolve("dir/exact.bin"), random(rnd, CHUNK));
        Files.createSymbolicLink(src.resolve("link"), Path.of("dir/small.txt"));
        Files.createLink(src.resolve("hard"), src.resolve("mid.bin"));
        tar = tmp.resolve("layer.tar");
        run(tmp, "tar", "--format=gnu", "-cf", tar.toString(), "-C", src.toString(), ".");
    }

    @Test
    void read_everyFile_matchesSource() throws Exception {
        Layer layer = write(List.of());
        OpenedLayer opened = open(layer, new MemoryBlobSource(), store("a"), cache()).orElseThrow();
        assertEquals(EStargzFormat.FORMAT, opened.format());
        assertNull(opened.notLazyReason());
        int files = 0;
        for (Entry e : opened.index().entries()) {
            if (e.type() == EntryType.FILE || e.type() == EntryType.HARDLINK) {
                Path real = src.resolve(e.path());
                assertArrayEquals(Files.readAllBytes(real), readAll(opened, e), e.path());
                files++;
            }
        }
        assertEquals(6, files); // big, mid, hard, small, empty, exact
        Entry link = entry(opened, "link");
        assertEquals(EntryType.SYMLINK, link.type());
        assertEquals("dir/small.txt", link.linkTarget());
        assertEquals(Files.getLastModifiedTime(src.resolve("big.bin")).toMillis() / 1000, entry(opened, "big.bin").mtimeSeconds());
    }

    @Test
    void read_oneSmallFile_fetchesSmallFractionOfBlob() throws Exception {
        Layer layer = write(List.of());
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, store("a"), cache()).orElseThrow();
        assertEquals(2, source.ranges.get(), "footer + TOC");
        long afterOpen = source.rangeBytes.get();

        assertArrayEquals("hello eStargz\n".getBytes(StandardCharsets.UTF_8), readAll(opened, entry(opened, "dir/small.txt")));

        assertEquals(3, source.ranges.get());
        long fetched = source.rangeBytes.get();
        assertTrue(fetched < layer.blob().length / 20, fetched + " of " + layer.blob().length + " bytes fetched");
        assertTrue(fetched - afterOpen < 64 * 1024, "small file cost " + (fetched - afterOpen));
        assertEquals(3, opened.stats().requests.get());
    }

    @Test
    void read_spanOfMissingChunks_oneRangeRequestThenCached() throws Exception {
        Layer layer = write(List.of());
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, store("a"), cache).orElseThrow();
        Entry big = entry(opened, "big.bin");
        byte[] expected = Files.readAllBytes(src.resolve("big.bin"));
        long before = source.ranges.get();

        byte[] got = new byte[3 * CHUNK];
        assertEquals(got.length, opened.reader().read(big, CHUNK / 2, got, 0, got.length));

        assertArrayEquals(java.util.Arrays.copyOfRange(expected, CHUNK / 2, CHUNK / 2 + got.length), got);
        assertEquals(before + 1, source.ranges.get(), "four missing chunks, one request");
        assertEquals(got.length, opened.reader().read(big, CHUNK / 2, got, 0, got.length));
        assertEquals(before + 1, source.ranges.get(), "second read served from the cache");
    }

    @Test
    void open_secondMountWithSameStore_makesNoRequest() throws Exception {
        Layer layer = write(List.of());
        FileStore store = store("a");
        OpenedLayer first = open(layer, new MemoryBlobSource(), store, cache()).orElseThrow();
        MemoryBlobSource second = layer.source();

        OpenedLayer again = open(layer, second, store, cache()).orElseThrow();

        assertEquals(0, second.ranges.get());
        assertEquals(first.index(), again.index());
    }

    @Test
    void write_blob_isGzipTarThatExtractsToSourceTree() throws Exception {
        Layer layer = write(List.of());
        Path blob = tmp.resolve("layer.tar.gz");
        Files.write(blob, layer.blob());
        Path out = Files.createDirectories(tmp.resolve("out"));

        String listing = run(tmp, "tar", "-tzvf", blob.toString());
        run(tmp, "tar", "-xzf", blob.toString(), "-C", out.toString());

        assertTrue(listing.contains("stargz.index.json") && listing.contains(".no.prefetch.landmark"), listing);
        for (String f : List.of("big.bin", "mid.bin", "hard", "dir/small.txt", "dir/empty", "dir/exact.bin")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
        }
        assertEquals(Path.of("dir/small.txt"), Files.readSymbolicLink(out.resolve("link")));
        assertEquals(Files.getAttribute(out.resolve("mid.bin"), "unix:ino"), Files.getAttribute(out.resolve("hard"), "unix:ino"));
        byte[] plain = run(tmp, "sh", "-c", "gzip -dc " + blob + " | sha256sum").getBytes(StandardCharsets.US_ASCII);
        assertEquals(layer.result().diffId().hex(), new String(plain, StandardCharsets.US_ASCII).split(" ")[0]);
    }

    @Test
    void open_landmarks_hiddenFromIndex() throws Exception {
        for (List<String> prioritized : List.of(List.<String>of(), List.of("dir/small.txt"))) {
            Layer layer = write(prioritized);
            OpenedLayer opened = open(layer, new MemoryBlobSource(), store("p" + prioritized.size()), cache()).orElseThrow();
            assertTrue(opened.index().entries().stream().noneMatch(e -> e.path().contains("landmark")),
                    opened.index().entries().toString());
        }
    }

    @Test
    void open_prioritizedLayer_readerNamesFilesBeforeLandmarkInOrder() throws Exception {
        Layer layer = write(List.of("mid.bin", "dir/small.txt"));
        OpenedLayer opened = open(layer, new MemoryBlobSource(), store("prio"), cache()).orElseThrow();
        assertEquals(List.of("mid.bin", "dir/small.txt"),
                ((io.strata.fetcher.layer.HasPrioritizedFiles) opened.reader()).prioritizedFiles());

        OpenedLayer plain = open(write(List.of()), new MemoryBlobSource(), store("noprio"), cache()).orElseThrow();
        assertEquals(List.of(), ((io.strata.fetcher.layer.HasPrioritizedFiles) plain.reader()).prioritizedFiles());
    }

    @Test
    void write_prioritizedFiles_comeFirstWithParentsThenLandmark() throws Exception {
        Layer layer = write(List.of("dir/small.txt", "/mid.bin"));
        Path blob = tmp.resolve("p.tar.gz");
        Files.write(blob, layer.blob());

        List<String> names = List.of(run(tmp, "tar", "-tzf", blob.toString()).split("\n"));

        assertEquals(List.of("dir/", "dir/small.txt", "mid.bin", ".prefetch.landmark"), names.subList(0, 4));
        assertFalse(names.contains(".no.prefetch.landmark"));
        assertEquals(1, names.stream().filter(n -> n.equals("mid.bin")).count());
    }

    @Test
    void open_plainGzipLayer_returnsEmptyAfterOneRangeRequest() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(tar));
        }
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(gz.toByteArray());
        Descriptor plain = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, gz.size());

        Optional<OpenedLayer> opened = new EStargzFormat().open(
                new LayerContext(source, plain, null, store("plain"), cache()));

        assertTrue(opened.isEmpty());
        assertEquals(1, source.ranges.get());
        assertEquals(0, source.opens.get());
    }

    @Test
    void open_tocDigestMismatch_throwsNamingTheLayer() throws Exception {
        Layer layer = write(List.of());
        Digest wrong = Digest.sha256("not the toc".getBytes(StandardCharsets.UTF_8));
        Descriptor lying = descriptor(layer.digest(), layer.blob().length, Map.of(EStargzFormat.TOC_DIGEST_ANNOTATION, wrong.toString()));

        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> new EStargzFormat().open(
                new LayerContext(layer.source(), lying, null, store("bad"), cache())));

        assertTrue(e.getMessage().contains(layer.digest().toString()), e.getMessage());
        assertEquals(wrong, e.expected());
        assertEquals(layer.result().tocDigest().toString(), e.actual());
    }

    @Test
    void open_withoutTocAnnotation_emptyUnlessTrusted() throws Exception {
        Layer layer = write(List.of());
        Descriptor bare = descriptor(layer.digest(), layer.blob().length, null);

        LayerContext untrusted = new LayerContext(layer.source(), bare, null, store("u"), cache());
        assertTrue(new EStargzFormat().open(untrusted).isEmpty());
        assertEquals(1, untrusted.notes().size(), "the fallback must say why: " + untrusted.notes());
        assertTrue(untrusted.notes().get(0).contains(EStargzFormat.TOC_DIGEST_ANNOTATION), untrusted.notes().get(0));
        OpenedLayer trusted = new EStargzFormat(true)
                .open(new LayerContext(layer.source(), bare, null, store("t"), cache())).orElseThrow();
        assertArrayEquals(Files.readAllBytes(src.resolve("mid.bin")), readAll(trusted, entry(trusted, "mid.bin")));
    }

    @Test
    void read_tamperedChunk_failsIsNotCachedAndOtherFilesStillRead() throws Exception {
        Layer layer = write(List.of());
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, store("a"), cache).orElseThrow();
        Entry small = entry(opened, "dir/small.txt");
        Toc.TocEntry tocEntry = Toc.parse(tocJson(layer)).entries().stream()
                .filter(t -> t.name().equals("dir/small.txt")).findFirst().orElseThrow();
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(other)) {
            out.write("HELLO eStargz\n".getBytes(StandardCharsets.UTF_8)); // same size, other bytes
        }
        source.tampered = other.toByteArray();
        source.tamperedOffset = tocEntry.offset();

        IOException e = assertThrows(IOException.class, () -> readAll(opened, small));

        assertTrue(e.getMessage().contains("verification"), e.getMessage());
        assertTrue(cache.getIfPresent(ChunkKey.ofContent(tocEntry.chunkDigest())).isEmpty());
        assertArrayEquals(Files.readAllBytes(src.resolve("big.bin")), readAll(opened, entry(opened, "big.bin")));
        source.tampered = null;
        assertArrayEquals("hello eStargz\n".getBytes(StandardCharsets.UTF_8), readAll(opened, small));
    }

    @Test
    void prefetch_prioritizedFiles_oneStreamedRequestThenReadsFetchNothing() throws Exception {
        Layer layer = write(List.of("dir/small.txt", "mid.bin"));
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, store("a"), cache()).orElseThrow();
        source.resetCounts();

        long fetched = ((PrefetchesInBulk) opened.reader()).prefetch(List.of("dir/small.txt", "mid.bin", "nope"));

        assertEquals(1, source.ranges.get(), "prioritized files are one region: one request");
        assertEquals(source.rangeBytes.get(), fetched);
        assertTrue(fetched > CHUNK && fetched < 2 * CHUNK, "about mid.bin's two chunks compressed: " + fetched);
        assertArrayEquals(Files.readAllBytes(src.resolve("mid.bin")), readAll(opened, entry(opened, "mid.bin")));
        assertArrayEquals("hello eStargz\n".getBytes(StandardCharsets.UTF_8),
                readAll(opened, entry(opened, "dir/small.txt")));
        assertEquals(1, source.ranges.get(), "the reads were served from the cache");
        assertEquals(0, ((PrefetchesInBulk) opened.reader()).prefetch(List.of("mid.bin")), "nothing left to fetch");
    }

    @Test
    void prefetch_farApartFiles_oneRequestPerRun() throws Exception {
        Layer layer = write(List.of("dir/small.txt"));
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, store("a"), cache()).orElseThrow();
        // small.txt opens the blob; the random file placed last has at least 1 MiB of random bytes before it.
        String last = Toc.parse(tocJson(layer)).entries().stream()
                .filter(t -> List.of("big.bin", "mid.bin", "dir/exact.bin").contains(t.name()))
                .max(java.util.Comparator.comparingLong(Toc.TocEntry::offsetOr0)).orElseThrow().name();
        source.resetCounts();

        ((PrefetchesInBulk) opened.reader()).prefetch(List.of("dir/small.txt", last));

        assertEquals(2, source.ranges.get(), "two runs: the gap is larger than " + BulkFetch.MAX_GAP);
        assertTrue(source.rangeBytes.get() < Files.size(src.resolve(last)) + CHUNK,
                "the bytes between were not fetched: " + source.rangeBytes);
        assertArrayEquals(Files.readAllBytes(src.resolve(last)), readAll(opened, entry(opened, last)));
        assertEquals(2, source.ranges.get());
    }

    @Test
    void prefetch_corruptChunkInStorage_notCachedReadFailsOthersKept() throws Exception {
        Layer layer = write(List.of("dir/small.txt", "mid.bin"));
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, store("a"), cache).orElseThrow();
        Toc.TocEntry small = Toc.parse(tocJson(layer)).entries().stream()
                .filter(t -> t.name().equals("dir/small.txt")).findFirst().orElseThrow();
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(other)) {
            out.write("HELLO eStargz\n".getBytes(StandardCharsets.UTF_8)); // same size, other bytes
        }
        byte[] corrupt = layer.blob().clone(); // the registry's storage altered under the same digest
        System.arraycopy(other.toByteArray(), 0, corrupt, (int) (long) small.offset(), other.size());
        source.blobs.put(layer.digest(), corrupt);

        ((PrefetchesInBulk) opened.reader()).prefetch(List.of("dir/small.txt", "mid.bin"));

        assertTrue(cache.getIfPresent(ChunkKey.ofContent(small.chunkDigest())).isEmpty(), "never cached");
        assertThrows(IOException.class, () -> readAll(opened, entry(opened, "dir/small.txt")));
        source.resetCounts();
        assertArrayEquals(Files.readAllBytes(src.resolve("mid.bin")), readAll(opened, entry(opened, "mid.bin")));
        assertEquals(0, source.ranges.get(), "the good chunks of the same request were kept");
    }

    // --- helpers

    private record Layer(byte[] blob, Digest digest, EStargzWriter.Result result) {
        MemoryBlobSource source() {
            MemoryBlobSource s = new MemoryBlobSource();
            s.put(blob);
            return s;
        }
    }

    private Layer write(List<String> prioritized) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EStargzWriter.Result result = new EStargzWriter(CHUNK, prioritized).write(tar, out);
        byte[] blob = out.toByteArray();
        assertEquals(blob.length, result.blobSize());
        assertEquals(Digest.sha256(blob), result.blobDigest());
        return new Layer(blob, result.blobDigest(), result);
    }

    private Optional<OpenedLayer> open(Layer layer, MemoryBlobSource source, FileStore store, ChunkCache cache)
            throws IOException {
        source.put(layer.blob());
        Descriptor d = descriptor(layer.digest(), layer.blob().length, layer.result().annotations());
        return new EStargzFormat().open(new LayerContext(source, d, null, store, cache));
    }

    private static Descriptor descriptor(Digest digest, long size, Map<String, String> annotations) {
        return new Descriptor(MediaTypes.OCI_LAYER_GZIP, digest, size, null, annotations, null, null);
    }

    private byte[] tocJson(Layer layer) throws IOException {
        Path cached = tmp.resolve("store-a").resolve(EStargzFormat.NAMESPACE).resolve(layer.digest().toTagSafe());
        byte[] file = Files.readAllBytes(cached);
        return java.util.Arrays.copyOfRange(file, 12, file.length); // magic + TOC offset
    }

    private FileStore store(String name) throws IOException {
        return new FileStore(tmp.resolve("store-" + name));
    }

    private static ChunkCache cache() {
        return ChunkCaches.inMemory(256L << 20);
    }

    private static Entry entry(OpenedLayer layer, String path) {
        return layer.index().entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    /** Reads a whole entry the way FUSE does: 128 KiB at a time. */
    private static byte[] readAll(OpenedLayer layer, Entry e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[128 * 1024];
        for (long off = 0; ; ) {
            int n = layer.reader().read(e, off, buf, 0, buf.length);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(buf, 0, n);
            off += n;
        }
    }

    private static byte[] random(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } finally {
            p.destroyForcibly();
        }
    }
}
