package io.strata.fetcher.layer.estargz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.cache.chunk.ChunkKey;
import io.strata.fetcher.layer.tar.TarHeaders;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerOpener;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.testing.MemoryBlobSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eStargz whose gzip members hold several chunks ({@code innerOffset}), laid out by hand the way the reference
 * writer does with {@code ctr-remote --estargz-min-chunk-size}: a member is closed only before a chunk (so it
 * starts with a chunk's content), and the headers and padding between packed chunks stay in the same member.
 * Served from memory and opened through {@link LayerOpener} with {@link EStargzFormat}.
 *
 * <pre>
 * member  uncompressed content (tar stream)                                           TOC entries
 * M0      header ./ | header .no.prefetch.landmark                                    ./
 * M1      0x0f | pad 511 | header a.txt | a.txt | pad | header b.txt | b.txt | pad   landmark (inner 0), a.txt (inner
 *         | header multi.bin                                                          1024), b.txt (inner 2560)
 * M2      multi.bin [0, 40000)                                                        multi.bin chunk 0
 * M3      multi.bin [40000, 80000) | multi.bin [80000, 100000) | pad | header normal  chunk 1 (inner 0), chunk 2
 *                                                                                     (inner 40000)
 * M4      normal.bin (70000 bytes) | pad                                              normal.bin
 * TOC     header stargz.index.json | TOC JSON | pad | end of archive; then the footer
 * </pre>
 */
class EStargzInnerOffsetTest {

    private static final int CHUNK = 40_000;
    private static final Random RANDOM = new Random(7);
    private static final byte[] A = "alpha\n".repeat(100).getBytes(StandardCharsets.UTF_8); // 600 bytes
    private static final byte[] B = "bravo\n".repeat(50).getBytes(StandardCharsets.UTF_8); // 300 bytes
    private static final byte[] MULTI = random(100_000);
    private static final byte[] NORMAL = random(70_000);

    @TempDir
    Path tmp;

    @Test
    void build_referenceLayout_innerOffsetsArePayloadPositionsInTheirMember() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        Path blob = tmp.resolve("layer.tar.gz");
        Files.write(blob, layer.blob);
        Path out = Files.createDirectories(tmp.resolve("out"));

        EStargzRoundTripTest.run(tmp, "tar", "-xzf", blob.toString(), "-C", out.toString());

        // tar as the oracle: the hand-made blob is a valid tar+gzip layer with these contents.
        assertArrayEquals(A, Files.readAllBytes(out.resolve("a.txt")));
        assertArrayEquals(B, Files.readAllBytes(out.resolve("b.txt")));
        assertArrayEquals(MULTI, Files.readAllBytes(out.resolve("multi.bin")));
        assertArrayEquals(NORMAL, Files.readAllBytes(out.resolve("normal.bin")));
        assertEquals(1024, layer.aInner);
        assertEquals(1024 + 1024 + 512, layer.bInner); // a.txt padded to 1024, then b.txt's header
    }

    @Test
    void read_eachPackedFile_exactBytesFromOneRequestOfTheSharedMember() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        for (String name : List.of("a.txt", "b.txt")) {
            MemoryBlobSource source = layer.source();
            OpenedLayer opened = open(layer, source, cache());
            source.resetCounts();

            byte[] got = readAll(opened, name);

            assertArrayEquals(name.equals("a.txt") ? A : B, got, name);
            assertEquals(1, source.ranges.get(), name + ": one request");
            assertEquals(layer.memberLength(layer.m1), source.rangeBytes.get(), name + ": the shared member, whole");
        }
    }

    @Test
    void read_secondFileOfSharedMember_servedFromCacheWithoutRequest() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, cache);
        source.resetCounts();

        assertArrayEquals(A, readAll(opened, "a.txt"));
        assertTrue(cache.getIfPresent(ChunkKey.ofContent(Digest.sha256(B).toString())).isPresent(),
                "b.txt came out of the member a.txt was read from");
        assertArrayEquals(B, readAll(opened, "b.txt"));

        assertEquals(1, source.ranges.get());
    }

    @Test
    void read_fileWhoseChunksShareAMember_oneRequestForBothMembers() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, cache());
        source.resetCounts();
        byte[] got = new byte[MULTI.length];

        assertEquals(MULTI.length, opened.reader().read(entry(opened, "multi.bin"), 0, got, 0, got.length));

        assertArrayEquals(MULTI, got);
        assertEquals(1, source.ranges.get(), "chunk 0's member and the member of chunks 1 and 2, adjacent");
        assertEquals(layer.memberLength(layer.m2) + layer.memberLength(layer.m3), source.rangeBytes.get());
    }

    @Test
    void read_lastChunkPackedAfterAnother_fetchesOnlyItsMember() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, cache());
        source.resetCounts();
        byte[] got = new byte[1000];

        assertEquals(got.length, opened.reader().read(entry(opened, "multi.bin"), 2L * CHUNK + 500, got, 0, got.length));

        assertArrayEquals(Arrays.copyOfRange(MULTI, 2 * CHUNK + 500, 2 * CHUNK + 1500), got);
        assertEquals(1, source.ranges.get());
        assertEquals(layer.memberLength(layer.m3), source.rangeBytes.get());
    }

    @Test
    void read_fileInItsOwnMember_fetchesOnlyThatMember() throws Exception {
        Packed layer = Packed.build(LongUnaryOperator.identity());
        MemoryBlobSource source = layer.source();
        OpenedLayer opened = open(layer, source, cache());
        source.resetCounts();

        assertArrayEquals(NORMAL, readAll(opened, "normal.bin"));

        assertEquals(1, source.ranges.get());
        assertEquals(layer.memberLength(layer.m4), source.rangeBytes.get());
    }

    @Test
    void read_wrongInnerOffset_failsVerificationAndCachesNothing() throws Exception {
        Packed layer = Packed.build(inner -> inner + 1); // b.txt's bytes said to start one byte late
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, cache);
        ChunkKey b = ChunkKey.ofContent(Digest.sha256(B).toString());

        assertArrayEquals(A, readAll(opened, "a.txt")); // b.txt's wrong bytes come out too, and are refused
        IOException e = assertThrows(IOException.class, () -> readAll(opened, "b.txt"));

        assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
        assertTrue(cache.getIfPresent(b).isEmpty());
        assertThrows(IOException.class, () -> readAll(opened, "b.txt"), "a failed chunk is fetched again, and fails");
        assertTrue(cache.getIfPresent(b).isEmpty());
    }

    @Test
    void read_innerOffsetPastTheMembersStream_failsNamingTheChunk() throws Exception {
        Packed layer = Packed.build(inner -> 1_000_000);
        MemoryBlobSource source = layer.source();
        ChunkCache cache = cache();
        OpenedLayer opened = open(layer, source, cache);

        assertArrayEquals(A, readAll(opened, "a.txt"));
        IOException e = assertThrows(IOException.class, () -> readAll(opened, "b.txt"));

        assertTrue(e.getMessage().contains("'b.txt'") && e.getMessage().contains("innerOffset 1000000")
                && e.getMessage().contains("cannot be decompressed"), e.getMessage());
        assertTrue(cache.getIfPresent(ChunkKey.ofContent(Digest.sha256(B).toString())).isEmpty());
    }

    @Test
    void open_hostileInnerOffset_refusedNamingTheEntry() throws Exception {
        List<LongUnaryOperator> hostile = List.of(
                inner -> -1,
                inner -> Long.MAX_VALUE,
                inner -> TocIndex.MAX_INNER_END - 10, // a place in the stream, but b.txt would end past the bound
                inner -> 1024 + 1); // inside a.txt's bytes
        for (LongUnaryOperator tweak : hostile) {
            Packed layer = Packed.build(tweak);
            MemoryBlobSource source = layer.source();

            CorruptLayerException e = assertThrows(CorruptLayerException.class, () -> open(layer, source, cache()));

            assertEquals("b.txt", e.entry(), e.getMessage());
            assertTrue(e.getMessage().contains("innerOffset " + tweak.applyAsLong(layer.bInner)), e.getMessage());
            assertEquals(2, source.ranges.get(), "footer and TOC only: " + e.getMessage());
        }
    }

    // --- helpers

    private OpenedLayer open(Packed layer, MemoryBlobSource source, ChunkCache cache) throws IOException {
        Descriptor d = new Descriptor(MediaTypes.OCI_LAYER_GZIP, layer.digest, layer.blob.length, null,
                java.util.Map.of(EStargzFormat.TOC_DIGEST_ANNOTATION, layer.tocDigest.toString()), null, null);
        FileStore store = new FileStore(Files.createTempDirectory(tmp, "store"));
        OpenedLayer opened = new LayerOpener(source, store, cache, List.of(new EStargzFormat())).open(d, null);
        assertEquals(EStargzFormat.FORMAT, opened.format());
        return opened;
    }

    private static ChunkCache cache() {
        return ChunkCaches.inMemory(64L << 20);
    }

    private static Entry entry(OpenedLayer layer, String path) {
        return layer.index().entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    /** Reads a whole entry the way FUSE does, 128 KiB at a time. */
    private static byte[] readAll(OpenedLayer layer, String path) throws IOException {
        Entry e = entry(layer, path);
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

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String sha(byte[] content) {
        return Digest.sha256(content).toString();
    }

    /** The blob of the class comment, with the TOC's innerOffset of b.txt passed through {@code bInnerTweak}. */
    private static final class Packed {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Long> memberStarts = new ArrayList<>();
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        long m1;
        long m2;
        long m3;
        long m4;
        long aInner;
        long bInner;
        byte[] blob;
        Digest digest;
        Digest tocDigest;

        static Packed build(LongUnaryOperator bInnerTweak) throws IOException {
            Packed p = new Packed();
            p.memberStarts.add(0L);
            p.header(root());
            p.header(file(TocIndex.NO_PREFETCH_LANDMARK, 1));
            p.m1 = p.newMember(); // the reference opens a member for a landmark's content
            p.content(new byte[] {0x0f});
            p.header(file("a.txt", A.length));
            p.aInner = p.member.size();
            p.content(A);
            p.header(file("b.txt", B.length));
            p.bInner = p.member.size();
            p.content(B);
            p.header(file("multi.bin", MULTI.length));
            p.m2 = p.newMember();
            p.tar(Arrays.copyOfRange(MULTI, 0, CHUNK));
            p.m3 = p.newMember();
            p.tar(Arrays.copyOfRange(MULTI, CHUNK, 2 * CHUNK));
            long multi2Inner = p.member.size(); // packed: the member has fewer compressed bytes than the minimum
            p.content(Arrays.copyOfRange(MULTI, 2 * CHUNK, MULTI.length), MULTI.length);
            p.header(file("normal.bin", NORMAL.length));
            p.m4 = p.newMember();
            p.content(NORMAL);
            long tocOffset = p.newMember();

            List<Toc.TocEntry> entries = List.of(
                    new Toc.TocEntry("./", "dir", null, null, null, 0755L, 0L, 0L, null, null, null, null, null, null,
                            null, null, null, null, null),
                    reg(TocIndex.NO_PREFETCH_LANDMARK, new byte[] {0x0f}, p.m1, 0, null),
                    reg("a.txt", A, p.m1, p.aInner, null),
                    reg("b.txt", B, p.m1, bInnerTweak.applyAsLong(p.bInner), null),
                    reg("multi.bin", MULTI, p.m2, 0, (long) CHUNK),
                    chunk("multi.bin", p.m3, CHUNK, (long) CHUNK, 0),
                    chunk("multi.bin", p.m3, 2 * CHUNK, null, multi2Inner),
                    reg("normal.bin", NORMAL, p.m4, 0, null));
            byte[] json = new Toc(1, entries).toJson();
            p.header(file(Toc.TAR_NAME, json.length));
            p.content(json);
            p.tar(new byte[2 * TarHeaders.BLOCK]);
            p.newMember();
            p.out.write(Footer.write(tocOffset));
            p.blob = p.out.toByteArray();
            p.digest = Digest.sha256(p.blob);
            p.tocDigest = Digest.sha256(json);
            return p;
        }

        MemoryBlobSource source() {
            MemoryBlobSource source = new MemoryBlobSource();
            source.put(blob);
            return source;
        }

        long memberLength(long start) {
            int i = memberStarts.indexOf(start);
            return memberStarts.get(i + 1) - start;
        }

        private void header(Entry e) {
            tar(TarHeaders.encode(e, e.size()));
        }

        private void content(byte[] bytes) {
            content(bytes, bytes.length);
        }

        /** File content and the padding that completes the file of {@code fileSize} bytes to whole blocks. */
        private void content(byte[] bytes, long fileSize) {
            tar(bytes);
            tar(new byte[TarHeaders.padding(fileSize)]);
        }

        private void tar(byte[] bytes) {
            member.writeBytes(bytes);
        }

        /** Ends the current gzip member; returns where the next one starts. */
        private long newMember() throws IOException {
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(member.toByteArray());
                gz.finish();
            }
            member = new ByteArrayOutputStream();
            memberStarts.add((long) out.size());
            return out.size();
        }

        private static Entry root() {
            return new Entry("", EntryType.DIRECTORY, 0755, 0, 0, 0, 0, 0, null, 0, 0, null, 0, 0, null);
        }

        private static Entry file(String path, long size) {
            return new Entry(path, EntryType.FILE, 0644, 0, 0, size, 0, 0, null, 0, 0, null, 0, size, null);
        }

        private static Toc.TocEntry reg(String name, byte[] content, long offset, long inner, Long chunkSize) {
            byte[] first = chunkSize == null ? content : Arrays.copyOf(content, chunkSize.intValue());
            return new Toc.TocEntry(name, "reg", (long) content.length, null, null, 0644L, 0L, 0L, null, null, null,
                    null, null, sha(content), offset, null, chunkSize, sha(first), inner == 0 ? null : inner);
        }

        private static Toc.TocEntry chunk(String name, long offset, int chunkOffset, Long chunkSize, long inner) {
            int end = chunkSize == null ? MULTI.length : chunkOffset + chunkSize.intValue();
            return new Toc.TocEntry(name, "chunk", null, null, null, null, null, null, null, null, null, null, null,
                    null, offset, (long) chunkOffset, chunkSize, sha(Arrays.copyOfRange(MULTI, chunkOffset, end)),
                    inner == 0 ? null : inner);
        }
    }
}
