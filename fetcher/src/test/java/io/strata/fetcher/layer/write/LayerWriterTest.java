package io.strata.fetcher.layer.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.Shell;
import io.strata.fetcher.layer.estargz.EStargzFormat;
import io.strata.fetcher.layer.tar.TarIndexer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LayerWriter} on entries that use every corner of the tar format, read back by our own {@link TarIndexer}
 * and by GNU tar (the oracle), and written twice to prove the bytes are reproducible.
 *
 * <pre>
 * big-owner            uid 3 000 000, gid 4 000 000 (PAX uid/gid)
 * bin/tool             4755, security.capability (binary: NUL, '\n', 0xff) and user.comment
 * dev/fifo, dev/null (char 1:3), dev/sda (block 8:0)
 * dír ünïcödé/файл.txt non-ASCII path (PAX path)
 * etc/.wh.passwd       a whiteout: an ordinary empty file to the writer
 * etc/hello            mtime with nanoseconds (truncated); etc/hello-hard: hardlink to it
 * link -> etc/hello, longlink -> 200-byte target (PAX linkpath)
 * long-xxx…/yyy…       path of 300 bytes (PAX path)
 * random.bin           200 000 random bytes (several copy buffers)
 * tmp/                 1777
 * </pre>
 */
class LayerWriterTest {

    private static final long T = 1_600_000_000L;
    private static final byte[] CAPABILITY = {1, 0, 0, 2, 0x20, 0, '\n', 0, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @TempDir
    Path tmp;

    private final Map<String, byte[]> contents = new LinkedHashMap<>();

    @Test
    void write_sameEntriesTwice_sameBytesAndDigest() throws Exception {
        for (LayerEncoding encoding : LayerEncoding.values()) {
            WrittenLayer a = LayerWriter.write(fixture(), encoding, tmp.resolve("a"), tmp);
            WrittenLayer b = LayerWriter.write(fixture(), encoding, tmp.resolve("b"), tmp);
            assertEquals(a, b, encoding.toString());
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a")), Files.readAllBytes(tmp.resolve("b")), encoding.toString());
            assertEquals(Digest.sha256(Files.readAllBytes(tmp.resolve("a"))), a.digest());
            assertEquals(Files.size(tmp.resolve("a")), a.size());
        }
    }

    @Test
    void write_oneMtimeChanged_differentDigest() throws Exception {
        WrittenLayer a = LayerWriter.write(fixture(), LayerEncoding.GZIP, tmp.resolve("a"), tmp);
        List<NewEntry> changed = new ArrayList<>(fixture());
        Entry tmpDir = changed.get(changed.size() - 1).entry();
        changed.set(changed.size() - 1, new NewEntry(dir(tmpDir.path(), tmpDir.mode(), T + 1), null));
        WrittenLayer b = LayerWriter.write(changed, LayerEncoding.GZIP, tmp.resolve("b"), tmp);
        assertNotEquals(a.digest(), b.digest());
        assertNotEquals(a.diffId(), b.diffId());
    }

    @Test
    void write_gzip_roundTripsThroughTarIndexer() throws Exception {
        List<NewEntry> input = fixture();
        WrittenLayer layer = LayerWriter.write(input, LayerEncoding.GZIP, tmp.resolve("blob"), tmp);
        byte[] tar = gunzip(tmp.resolve("blob"));
        assertEquals(Digest.sha256(tar), layer.diffId());
        assertEquals(tar.length, layer.uncompressedSize());
        assertEquals(input.size(), layer.entries());
        assertEquals(Map.of(), layer.annotations());
        List<Entry> read = TarIndexer.readAll(new ByteArrayInputStream(tar), "test");
        assertEntriesMatch(input, read, tar);
    }

    @Test
    void write_gzip_headerHasNoNameNoMtime() throws Exception {
        LayerWriter.write(fixture(), LayerEncoding.GZIP, tmp.resolve("blob"), tmp);
        byte[] head = Arrays.copyOf(Files.readAllBytes(tmp.resolve("blob")), 10);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        assertEquals(0, head[3], "FLG: no name, comment or extra field");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(head, 4, 8), "MTIME is 0");
    }

    @Test
    void write_estargz_carriesTocAnnotationAndSameEntries() throws Exception {
        List<NewEntry> input = fixture();
        WrittenLayer layer = LayerWriter.write(input, LayerEncoding.ESTARGZ, tmp.resolve("blob"), tmp);
        assertTrue(layer.annotations().get(EStargzFormat.TOC_DIGEST_ANNOTATION).startsWith("sha256:"), layer.toString());
        byte[] tar = gunzip(tmp.resolve("blob"));
        assertEquals(Digest.sha256(tar), layer.diffId());
        List<Entry> read = new ArrayList<>(TarIndexer.readAll(new ByteArrayInputStream(tar), "test"));
        read.removeIf(e -> e.path().equals(".no.prefetch.landmark") || e.path().equals("stargz.index.json"));
        assertEntriesMatch(input, read, tar);
        assertTrue(Files.list(tmp).allMatch(p -> p.getFileName().toString().equals("blob")), "spooled tar removed");
    }

    @Test
    void write_gzip_gnuTarExtractsWhatWasWritten() throws Exception {
        assumeTrue(Shell.isRoot(), "extracting owners, devices and security.* xattrs needs root");
        LayerWriter.write(fixture(), LayerEncoding.GZIP, tmp.resolve("blob"), tmp);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Shell.run(tmp, "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpzf", "blob", "-C", out.toString());
        assertEquals("4755 0:0 " + T, Shell.run(out, "stat", "-c", "%a %u:%g %Y", "bin/tool").strip());
        assertEquals("3000000:4000000", Shell.run(out, "stat", "-c", "%u:%g", "big-owner").strip());
        assertEquals("1777", Shell.run(out, "stat", "-c", "%a", "tmp").strip());
        assertEquals("character special file 1:3", Shell.run(out, "stat", "-c", "%F %t:%T", "dev/null").strip());
        assertEquals("block special file 8:0", Shell.run(out, "stat", "-c", "%F %t:%T", "dev/sda").strip());
        assertEquals("fifo", Shell.run(out, "stat", "-c", "%F", "dev/fifo").strip());
        assertEquals(Shell.run(out, "stat", "-c", "%i", "etc/hello"), Shell.run(out, "stat", "-c", "%i", "etc/hello-hard"));
        assertEquals("etc/hello", Files.readSymbolicLink(out.resolve("link")).toString());
        assertEquals("t".repeat(200), Files.readSymbolicLink(out.resolve("longlink")).toString());
        assertTrue(Shell.run(out, "getfattr", "-h", "-e", "hex", "-n", "security.capability", "bin/tool")
                .contains("security.capability=0x" + HexFormat.of().formatHex(CAPABILITY)));
        assertTrue(Shell.run(out, "getfattr", "-h", "-n", "user.comment", "bin/tool").contains("user.comment=\"some text\""));
        for (var kv : contents.entrySet()) {
            assertArrayEquals(kv.getValue(), Files.readAllBytes(out.resolve(kv.getKey())), kv.getKey());
        }
        assertEquals(0, Files.size(out.resolve("etc/.wh.passwd")));
    }

    @Test
    void write_unsortedEntries_failsNamingBoth() {
        List<NewEntry> entries = List.of(new NewEntry(dir("b", 0755, T), null), new NewEntry(dir("a", 0755, T), null));
        var e = assertThrows(IllegalArgumentException.class,
                () -> LayerWriter.write(entries, LayerEncoding.GZIP, tmp.resolve("blob"), tmp));
        assertTrue(e.getMessage().contains("'a' comes after 'b'"), e.getMessage());
    }

    @Test
    void write_hardlinkToLaterFile_fails() {
        List<NewEntry> entries = List.of(link("a", EntryType.HARDLINK, "b"), file("b", 0644, 0, 0, "x"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> LayerWriter.write(entries, LayerEncoding.GZIP, tmp.resolve("blob"), tmp));
        assertTrue(e.getMessage().contains("hardlink a -> b"), e.getMessage());
    }

    @Test
    void write_fileShorterThanListed_failsSayingItChanged() {
        Entry meta = new Entry("f", EntryType.FILE, 0644, 0, 0, 10, T, 0, null, 0, 0, null, 0, 10, null);
        List<NewEntry> entries = List.of(new NewEntry(meta, () -> new ByteArrayInputStream(new byte[4])));
        var e = assertThrows(IOException.class, () -> LayerWriter.write(entries, LayerEncoding.GZIP, tmp.resolve("blob"), tmp));
        assertTrue(e.getMessage().contains("file f ended after 4 of its 10 bytes"), e.getMessage());
    }

    /** The fixture of the class comment, sorted by path bytes as the writer requires. */
    private List<NewEntry> fixture() {
        Random rnd = new Random(7);
        byte[] random = new byte[200_000];
        rnd.nextBytes(random);
        String longDir = "long-" + "x".repeat(150);
        String longName = "y".repeat(145);
        List<NewEntry> all = new ArrayList<>();
        all.add(file("big-owner", 0600, 3_000_000, 4_000_000, "x"));
        all.add(new NewEntry(dir("bin", 0755, T), null));
        all.add(withXattrs(file("bin/tool", 04755, 0, 0, "#!/bin/sh\necho hi\n"),
                Map.of("security.capability", CAPABILITY, "user.comment", "some text".getBytes(StandardCharsets.UTF_8))));
        all.add(new NewEntry(dir("dev", 0755, T), null));
        all.add(special("dev/fifo", EntryType.FIFO, 0, 0));
        all.add(special("dev/null", EntryType.CHAR_DEVICE, 1, 3));
        all.add(special("dev/sda", EntryType.BLOCK_DEVICE, 8, 0));
        all.add(new NewEntry(dir("dír ünïcödé", 0755, T), null));
        all.add(file("dír ünïcödé/файл.txt", 0644, 0, 0, "unicode\n"));
        all.add(new NewEntry(dir("etc", 0755, T), null));
        all.add(file("etc/.wh.passwd", 0644, 0, 0, ""));
        Entry hello = new Entry("etc/hello", EntryType.FILE, 0644, 1000, 1000, 6, T, 123_456_789, null, 0, 0, null, 0, 6, null);
        contents.put("etc/hello", "hello\n".getBytes(StandardCharsets.UTF_8));
        all.add(new NewEntry(hello, () -> new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8))));
        all.add(link("etc/hello-hard", EntryType.HARDLINK, "etc/hello"));
        all.add(link("link", EntryType.SYMLINK, "etc/hello"));
        all.add(new NewEntry(dir(longDir, 0755, T), null));
        all.add(file(longDir + "/" + longName, 0644, 0, 0, "deep\n"));
        all.add(link("longlink", EntryType.SYMLINK, "t".repeat(200)));
        Entry big = new Entry("random.bin", EntryType.FILE, 0644, 0, 0, random.length, T, 0, null, 0, 0, null, 0,
                random.length, null);
        contents.put("random.bin", random);
        all.add(new NewEntry(big, () -> new ByteArrayInputStream(random)));
        all.add(new NewEntry(dir("tmp", 01777, T), null));
        return all;
    }

    private static Entry dir(String path, int mode, long mtime) {
        return new Entry(path, EntryType.DIRECTORY, mode, 0, 0, 0, mtime, 0, null, 0, 0, null, 0, 0, null);
    }

    private NewEntry file(String path, int mode, long uid, long gid, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        contents.put(path, bytes);
        Entry e = new Entry(path, EntryType.FILE, mode, uid, gid, bytes.length, T, 0, null, 0, 0, null, 0, bytes.length, null);
        return new NewEntry(e, bytes.length == 0 ? null : () -> new ByteArrayInputStream(bytes));
    }

    private static NewEntry withXattrs(NewEntry n, Map<String, byte[]> xattrs) {
        Entry e = n.entry();
        return new NewEntry(new Entry(e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.mtimeSeconds(),
                e.mtimeNanos(), e.linkTarget(), e.devMajor(), e.devMinor(), xattrs, 0, e.storedSize(), null), n.content());
    }

    private static NewEntry special(String path, EntryType type, int major, int minor) {
        return new NewEntry(new Entry(path, type, 0644, 0, 0, 0, T, 0, null, major, minor, null, 0, 0, null), null);
    }

    private static NewEntry link(String path, EntryType type, String target) {
        return new NewEntry(new Entry(path, type, 0777, 0, 0, 0, T, 0, target, 0, 0, null, 0, 0, null), null);
    }

    /** Every entry read back says what was written (mtime in whole seconds), and every file's content is there. */
    private static void assertEntriesMatch(List<NewEntry> input, List<Entry> read, byte[] tar) {
        assertEquals(input.stream().map(n -> n.entry().path()).toList(), read.stream().map(Entry::path).toList());
        for (int i = 0; i < input.size(); i++) {
            Entry w = input.get(i).entry();
            Entry r = read.get(i);
            Entry expected = new Entry(w.path(), w.type(), w.mode(), w.uid(), w.gid(), w.size(), w.mtimeSeconds(), 0,
                    w.linkTarget(), w.devMajor(), w.devMinor(), w.xattrs(), r.contentOffset(), r.storedSize(), null);
            assertEquals(expected, r, w.path());
            if (w.type() == EntryType.FILE && w.size() > 0) {
                byte[] content = Arrays.copyOfRange(tar, (int) r.contentOffset(), (int) (r.contentOffset() + r.size()));
                assertArrayEquals(readAll(input.get(i)), content, w.path());
            }
        }
    }

    private static byte[] readAll(NewEntry n) {
        try (InputStream in = n.content().open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gunzip(Path blob) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(blob))) {
            return in.readAllBytes();
        }
    }
}
