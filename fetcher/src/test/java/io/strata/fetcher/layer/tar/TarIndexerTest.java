package io.strata.fetcher.layer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-crafted archives: the corners GNU tar does not write, and broken or hostile input. */
class TarIndexerTest {

    private static final String LAYER = "sha256:feedface";

    private static List<Entry> index(byte[] tar) throws IOException {
        return TarIndexer.readAll(new ByteArrayInputStream(tar), LAYER);
    }

    private static CorruptLayerException corrupt(byte[] tar) {
        return assertThrows(CorruptLayerException.class, () -> index(tar));
    }

    @Test
    void readAll_plainFile_reportsExactContentOffset() throws IOException {
        byte[] tar = new TarBuilder().header("a/", '5', 0).file("a/b.txt", "hello".getBytes()).end().bytes();
        List<Entry> entries = index(tar);
        assertEquals(2, entries.size());
        Entry file = entries.get(1);
        assertEquals("a/b.txt", file.path());
        assertEquals(1024, file.contentOffset()); // directory header, file header, then the content
        assertEquals(5, file.storedSize());
        assertEquals("hello", new String(tar, 1024, 5, StandardCharsets.US_ASCII));
        assertEquals("a", entries.get(0).path());
        assertEquals(EntryType.DIRECTORY, entries.get(0).type());
    }

    @Test
    void readAll_noEndBlocks_isTolerated() throws IOException {
        byte[] tar = new TarBuilder().file("f", new byte[600]).bytes();
        assertEquals(600, index(tar).get(0).size());
    }

    @Test
    void readAll_singleZeroBlockAtEof_isTolerated() throws IOException {
        byte[] tar = new TarBuilder().file("f", new byte[1]).raw(new byte[512]).bytes();
        assertEquals(1, index(tar).size());
    }

    @Test
    void readAll_zeroBlockThenHeader_failsNamingOffset() {
        byte[] tar = new TarBuilder().file("f", new byte[1]).raw(new byte[512]).file("g", new byte[1]).bytes();
        assertTrue(corrupt(tar).getMessage().contains("zero block at offset 1024"));
    }

    @Test
    void readAll_badChecksum_failsNamingEntryAndOffset() {
        byte[] tar = new TarBuilder().file("ok", new byte[3]).file("bad", new byte[3]).end().bytes();
        tar[1024 + 10] ^= 1; // inside the second header's name field
        CorruptLayerException e = corrupt(tar);
        assertTrue(e.getMessage().contains("offset 1024") && e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.getMessage().contains(LAYER), e.getMessage());
    }

    @Test
    void readAll_truncatedHeader_fails() {
        byte[] tar = Arrays.copyOf(new TarBuilder().file("f", new byte[3]).end().bytes(), 300);
        assertTrue(corrupt(tar).getMessage().contains("truncated"));
    }

    @Test
    void readAll_truncatedContent_failsNamingEntry() {
        byte[] full = new TarBuilder().file("big.bin", new byte[5000]).end().bytes();
        CorruptLayerException e = corrupt(Arrays.copyOf(full, 512 + 3000));
        assertEquals("big.bin", e.entry());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void readAll_dotDotPath_isRejected() {
        CorruptLayerException e = corrupt(new TarBuilder().file("a/../../etc/passwd", new byte[1]).end().bytes());
        assertEquals("a/../../etc/passwd", e.entry());
        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
    }

    @Test
    void readAll_dotDotHardlinkTarget_isRejected() {
        byte[] tar = new TarBuilder().header("h", '1', 0, b -> TarBuilder.put(b, 157, 100, "../x".getBytes())).end().bytes();
        assertTrue(corrupt(tar).getMessage().contains("'..'"));
    }

    @Test
    void readAll_absoluteAndDotPaths_areNormalized() throws IOException {
        byte[] tar = new TarBuilder().header("./", '5', 0).file("/abs//x/./y/", new byte[0])
                .header("h", '1', 0, b -> TarBuilder.put(b, 157, 100, "./abs/x/y".getBytes())).end().bytes();
        List<Entry> entries = index(tar);
        assertEquals(List.of("", "abs/x/y", "h"), entries.stream().map(Entry::path).toList());
        assertEquals("abs/x/y", entries.get(2).linkTarget());
    }

    @Test
    void readAll_nulInPaxPath_isRejected() {
        byte[] tar = new TarBuilder().pax(TarBuilder.record("path", "evil\0/../x")).file("x", new byte[0]).end().bytes();
        assertTrue(corrupt(tar).getMessage().contains("NUL"));
    }

    @Test
    void readAll_nulInsideGnuLongName_isRejected() {
        byte[] name = "aaa\0bbb\0".getBytes(StandardCharsets.US_ASCII);
        byte[] tar = new TarBuilder().header("././@LongLink", 'L', name.length).data(name).file("x", new byte[0]).end().bytes();
        assertTrue(corrupt(tar).getMessage().contains("NUL"));
    }

    @Test
    void readAll_malformedPaxRecord_fails() {
        byte[] data = "99 path=x\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tar = new TarBuilder().header("p", 'x', data.length).data(data).file("x", new byte[0]).end().bytes();
        assertTrue(corrupt(tar).getMessage().contains("malformed record"));
    }

    @Test
    void readAll_paxBinaryXattrAndFractionalMtime_keptExactly() throws IOException {
        byte[] binary = {1, 0, 0, 2, (byte) 0xff, (byte) 0xfe, 0, '\n', '='};
        byte[] tar = new TarBuilder().pax(TarBuilder.record("SCHILY.xattr.security.capability", binary),
                        TarBuilder.record("LIBARCHIVE.xattr.user.a%3Db", "aGk"), // name "user.a=b", base64 "hi" unpadded
                        TarBuilder.record("mtime", "-1.25"), TarBuilder.record("uid", "4000000000"),
                        TarBuilder.record("path", "é/long-" + "x".repeat(300)))
                .file("short", new byte[0]).end().bytes();
        Entry e = index(tar).get(0);
        assertArrayEquals(binary, e.xattrs().get("security.capability"));
        assertArrayEquals("hi".getBytes(), e.xattrs().get("user.a=b"));
        assertEquals(-2, e.mtimeSeconds());
        assertEquals(750_000_000, e.mtimeNanos());
        assertEquals(4_000_000_000L, e.uid());
        assertEquals("é/long-" + "x".repeat(300), e.path());
    }

    @Test
    void readAll_globalPaxHeader_appliesToLaterEntriesButNotItsPath() throws IOException {
        byte[] g = "16 path=ignored\n10 gid=42\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tar = new TarBuilder().header("g", 'g', g.length).data(g).file("a", new byte[0]).file("b", new byte[0]).end().bytes();
        List<Entry> entries = index(tar);
        assertEquals(List.of("a", "b"), entries.stream().map(Entry::path).toList());
        assertTrue(entries.stream().allMatch(e -> e.gid() == 42));
    }

    @Test
    void readAll_base256Numbers_decoded() throws IOException {
        long size = 70_000;
        byte[] tar = new TarBuilder().header("big", '0', 0, b -> {
            Arrays.fill(b, 124, 136, (byte) 0);
            b[124] = (byte) 0x80;
            b[133] = (byte) (size >> 16);
            b[134] = (byte) (size >> 8);
            b[135] = (byte) size;
            Arrays.fill(b, 108, 116, (byte) 0xff); // uid -1 in two's complement base-256
        }).data(new byte[(int) size]).end().bytes();
        Entry e = index(tar).get(0);
        assertEquals(size, e.size());
        assertEquals(-1, e.uid());
    }

    @Test
    void readAll_v7TrailingSlash_isDirectory() throws IOException {
        byte[] tar = new TarBuilder().header("d/", '\0', 0, b -> Arrays.fill(b, 257, 265, (byte) 0)).end().bytes();
        Entry e = index(tar).get(0);
        assertEquals(EntryType.DIRECTORY, e.type());
        assertEquals("d", e.path());
    }

    @Test
    void readAll_duplicatePath_laterWinsAtFirstPosition() throws IOException {
        byte[] tar = new TarBuilder().file("a", "old".getBytes()).file("b", new byte[0]).file("a", "newer".getBytes()).end().bytes();
        List<Entry> entries = index(tar);
        assertEquals(List.of("a", "b"), entries.stream().map(Entry::path).toList());
        assertEquals(5, entries.get(0).size());
    }

    @Test
    void readAll_oldGnuSparseWithExtension_mapsAllSegments() throws IOException {
        // 6 segments of 1 byte at 0, 1000, 2000, ... : four in the header, two in one extension block.
        byte[] tar = new TarBuilder().header("s", 'S', 6, b -> {
            Arrays.fill(b, 257, 265, (byte) 0);
            TarBuilder.put(b, 257, 8, "ustar  \0".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 4; i++) {
                TarBuilder.octal(b, 386 + i * 24, 12, i * 1000L);
                TarBuilder.octal(b, 386 + i * 24 + 12, 12, 1);
            }
            b[482] = 1;
            TarBuilder.octal(b, 483, 12, 6000);
        }).raw(extension(4000, 5000)).data("abcdef".getBytes()).end().bytes();
        Entry e = index(tar).get(0);
        assertEquals(6000, e.size());
        assertEquals(6, e.storedSize());
        assertEquals(1024, e.contentOffset());
        assertArrayEquals(new long[] {0, 1, 1000, 1, 2000, 1, 3000, 1, 4000, 1, 5000, 1}, e.sparseMap());
    }

    private static byte[] extension(long... offsets) {
        byte[] b = new byte[512];
        for (int i = 0; i < offsets.length; i++) {
            TarBuilder.octal(b, i * 24, 12, offsets[i]);
            TarBuilder.octal(b, i * 24 + 12, 12, 1);
        }
        return b;
    }

    @Test
    void readAll_sparseMapLargerThanStoredData_fails() {
        byte[] tar = new TarBuilder().pax(TarBuilder.record("GNU.sparse.size", "100"), TarBuilder.record("GNU.sparse.map", "0,50"))
                .file("s", new byte[10]).end().bytes();
        assertTrue(corrupt(tar).getMessage().contains("sparse map covers 50 bytes"));
    }

    @Test
    void readAll_extendedHeaderWithoutEntry_fails() {
        byte[] tar = new TarBuilder().pax(TarBuilder.record("path", "x")).bytes();
        assertTrue(corrupt(tar).getMessage().contains("without the entry"));
    }

    @Test
    void next_afterEnd_returnsNull() throws IOException {
        TarIndexer ix = new TarIndexer(new ByteArrayInputStream(new TarBuilder().file("a", new byte[0]).end().bytes()), LAYER);
        assertEquals("a", ix.next().path());
        assertNull(ix.next());
        assertNull(ix.next());
        assertEquals(1536, ix.position()); // header + two end blocks
    }

    @Test
    void normalize_variants_matchContract() throws IOException {
        assertEquals("", TarPaths.normalize("./", LAYER));
        assertEquals("", TarPaths.normalize("/", LAYER));
        assertEquals("a/b", TarPaths.normalize("//a//./b/", LAYER));
        assertEquals("..a/b..", TarPaths.normalize("..a/b..", LAYER));
        assertThrows(CorruptLayerException.class, () -> TarPaths.normalize("a/..", LAYER));
    }
}
