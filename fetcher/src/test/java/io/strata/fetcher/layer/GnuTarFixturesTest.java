package io.strata.fetcher.layer;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives written by GNU tar itself, in every format it has, indexed by our reader and served by the whole
 * layer reader: every entry must say what the filesystem says, every file must read back byte for byte.
 *
 * <pre>
 * src/                              (the archive root, "./" in the tar)
 * ├── dir/file.bin                  100 000 random bytes; hard-linked as hard
 * ├── dir/empty, block512, odd513   edge sizes
 * ├── héllo-世界.txt                non-ASCII name
 * ├── link -> dir/file.bin          symlink
 * ├── fifo, null (char 1,3)         special files (null only as root)
 * ├── setuid (4755), setgid/ (2775), sticky/ (1777)
 * ├── caps                          xattrs security.capability (binary) and user.note
 * ├── owned                         uid 1234, gid 5678; big (uid 3 000 000, gnu/pax only: base-256 or PAX)
 * ├── sparse                        1 MiB, data at 300 000 and at the end; hole (4 MiB, data in the middle)
 * └── long/aaa…(150)/bbb…(150)      path > 255 bytes; ccc…(120) name > 100 bytes (gnu/pax only)
 * </pre>
 */
class GnuTarFixturesTest {

    private static final byte[] CAPABILITY = Base64.getDecoder().decode("AQAAAgAgAAAAAAAAAAAAAAAAAAA=");

    @TempDir
    Path tmp;

    @Test
    void open_paxWithXattrsAndSparse_matchesFilesystem() throws Exception {
        checkFormat(true, "--format=pax", "--xattrs", "--xattrs-include=*", "--sparse");
    }

    @Test
    void open_paxSparse00_matchesFilesystem() throws Exception {
        checkFormat(true, "--format=pax", "--sparse", "--sparse-version=0.0");
    }

    @Test
    void open_paxSparse01_matchesFilesystem() throws Exception {
        checkFormat(true, "--format=pax", "--sparse", "--sparse-version=0.1");
    }

    @Test
    void open_paxSparse10_matchesFilesystem() throws Exception {
        checkFormat(true, "--format=pax", "--xattrs", "--sparse", "--sparse-version=1.0");
    }

    @Test
    void open_gnuSparse_matchesFilesystem() throws Exception {
        checkFormat(true, "--format=gnu", "--sparse");
    }

    @Test
    void open_ustar_matchesFilesystem() throws Exception {
        checkFormat(false, "--format=ustar");
    }

    @Test
    void open_v7_matchesFilesystem() throws Exception {
        checkFormat(false, "--format=v7");
    }

    private void checkFormat(boolean longNames, String... tarOptions) throws Exception {
        boolean v7 = List.of(tarOptions).contains("--format=v7");
        Path src = Files.createDirectory(tmp.resolve("src"));
        buildTree(src, longNames, !v7); // GNU tar cannot store special files in v7
        List<String> cmd = new ArrayList<>(List.of("tar", "-cf", tmp.resolve("layer.tar").toString()));
        cmd.addAll(List.of(tarOptions));
        cmd.addAll(List.of("-C", src.toString(), "."));
        Shell.run(tmp, cmd.toArray(String[]::new));
        byte[] tar = Files.readAllBytes(tmp.resolve("layer.tar"));

        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(tar);
        ChunkCache chunks = ChunkCaches.inMemory(64L << 20);
        OpenedLayer layer = new LayerOpener(source, new FileStore(tmp.resolve("cache")), chunks)
                .open(Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest, tar.length), Digest.sha256(tar));
        try (chunks) {
            boolean pax = List.of(tarOptions).contains("--format=pax");
            boolean xattrs = List.of(tarOptions).contains("--xattrs");
            boolean sparse = List.of(tarOptions).contains("--sparse");
            assertMatches(src, layer, pax, xattrs, sparse, v7);
        } finally {
            ((java.io.Closeable) layer.reader()).close();
        }
    }

    private static void buildTree(Path src, boolean longNames, boolean specials) throws Exception {
        Random random = new Random(42);
        Path dir = Files.createDirectory(src.resolve("dir"));
        Files.write(dir.resolve("file.bin"), bytes(random, 100_000));
        Files.write(dir.resolve("empty"), new byte[0]);
        Files.write(dir.resolve("block512"), bytes(random, 512));
        Files.write(dir.resolve("odd513"), bytes(random, 513));
        Files.writeString(src.resolve("héllo-世界.txt"), "non-ASCII name\n");
        Files.createLink(src.resolve("hard"), dir.resolve("file.bin"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("dir/file.bin"));
        Path setuid = Files.write(src.resolve("setuid"), "x".getBytes(StandardCharsets.UTF_8));
        Shell.run(src, "chmod", "4755", setuid.toString());
        Shell.run(src, "chmod", "2775", Files.createDirectory(src.resolve("setgid")).toString());
        Shell.run(src, "chmod", "1777", Files.createDirectory(src.resolve("sticky")).toString());
        Path caps = Files.write(src.resolve("caps"), "capable".getBytes(StandardCharsets.UTF_8));
        Shell.run(src, "setfattr", "-n", "security.capability", "-v", "0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=", caps.toString());
        Shell.run(src, "setfattr", "-n", "user.note", "-v", "hello", caps.toString());
        Path sparse = src.resolve("sparse");
        Shell.run(src, "truncate", "-s", "1M", sparse.toString());
        Shell.run(src, "sh", "-c", "printf hello | dd of=sparse bs=1 seek=300000 conv=notrunc 2>/dev/null"
                + " && printf tail | dd of=sparse bs=1 seek=1048572 conv=notrunc 2>/dev/null"
                + " && truncate -s 4M hole && printf middle | dd of=hole bs=1 seek=2000000 conv=notrunc 2>/dev/null");
        if (Shell.isRoot()) {
            Path owned = Files.write(src.resolve("owned"), "mine".getBytes(StandardCharsets.UTF_8));
            Shell.run(src, "chown", "1234:5678", owned.toString());
            if (longNames) {
                Path big = Files.write(src.resolve("big"), "big uid".getBytes(StandardCharsets.UTF_8));
                Shell.run(src, "chown", "3000000:3000001", big.toString());
            }
        }
        if (specials) {
            Shell.run(src, "mkfifo", "fifo");
            if (Shell.isRoot()) {
                Shell.run(src, "mknod", "null", "c", "1", "3");
            }
        }
        if (longNames) {
            Path deep = Files.createDirectories(src.resolve("long").resolve("a".repeat(150)).resolve("b".repeat(150)));
            Files.writeString(deep.resolve("deep.txt"), "far down\n");
            Files.writeString(src.resolve("c".repeat(120)), "long name\n");
        }
        // Fixed times with a sub-second part (PAX keeps nanoseconds, the others whole seconds). touch -h sets
        // times without opening the file: opening a FIFO would block.
        Shell.run(src, "sh", "-c", "find . -exec touch -h -d @1700000000.123456789 {} +");
    }

    private static void assertMatches(Path src, OpenedLayer layer, boolean pax, boolean xattrs, boolean sparse, boolean v7)
            throws Exception {
        Map<String, Entry> byPath = new HashMap<>();
        for (Entry e : layer.index().entries()) {
            assertNull(byPath.put(e.path(), e), "one entry per path: " + e.path());
        }
        List<Path> paths;
        try (Stream<Path> all = Files.walk(src)) {
            paths = all.toList();
        }
        assertEquals(paths.size(), byPath.size(), "entries: " + byPath.keySet());
        Map<Object, String> firstOfInode = new HashMap<>();
        for (Path p : paths) {
            String rel = src.relativize(p).toString();
            Entry e = byPath.get(rel);
            assertNotNull(e, "no entry for '" + rel + "' in " + byPath.keySet());
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int fsMode = (Integer) a.get("mode");
            String what = rel + " (" + e + ")";
            if (!Files.isSymbolicLink(p)) {
                assertEquals(fsMode & 07777, e.mode(), "mode of " + what);
            }
            assertEquals(((Number) a.get("uid")).longValue(), e.uid(), "uid of " + what);
            assertEquals(((Number) a.get("gid")).longValue(), e.gid(), "gid of " + what);
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            assertEquals(mtime.toInstant().getEpochSecond(), e.mtimeSeconds(), "mtime of " + what);
            assertEquals(pax ? mtime.toInstant().getNano() : 0, e.mtimeNanos(), "mtime nanos of " + what);
            assertEquals(expectedXattrs(p, xattrs), new TreeMap<>(hex(e.xattrs())), "xattrs of " + what);
            switch (fsMode & 0170000) {
                case 0040000 -> assertEquals(EntryType.DIRECTORY, e.type(), what);
                case 0120000 -> {
                    assertEquals(EntryType.SYMLINK, e.type(), what);
                    assertEquals(Files.readSymbolicLink(p).toString(), e.linkTarget(), what);
                }
                case 0010000 -> assertEquals(EntryType.FIFO, e.type(), what);
                case 0020000 -> {
                    assertEquals(EntryType.CHAR_DEVICE, e.type(), what);
                    long rdev = ((Number) a.get("rdev")).longValue();
                    assertEquals((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)), e.devMajor(), what);
                    assertEquals((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)), e.devMinor(), what);
                }
                case 0100000 -> {
                    Object inode = a.get("ino");
                    String first = firstOfInode.get(inode);
                    if (e.type() == EntryType.HARDLINK) {
                        assertNotNull(first, "hardlink " + what + " before its target");
                        assertEquals(first, e.linkTarget(), what);
                        assertEquals(0, e.size(), what);
                    } else {
                        assertEquals(EntryType.FILE, e.type(), what);
                        firstOfInode.putIfAbsent(inode, rel);
                        assertEquals(Files.size(p), e.size(), "size of " + what);
                    }
                    assertContent(p, layer.reader(), e, what);
                    boolean holey = rel.equals("sparse") || rel.equals("hole");
                    assertEquals(sparse && holey, e.isSparse(), "sparse? " + what);
                    if (e.isSparse()) {
                        assertTrue(e.storedSize() < e.size() / 4, "stored bytes of " + what);
                    }
                }
                default -> throw new AssertionError("unexpected file kind " + Integer.toOctalString(fsMode) + " of " + rel);
            }
        }
        assertTrue(firstOfInode.containsValue("dir/file.bin") || firstOfInode.containsValue("hard"));
        assertTrue(layer.stats().bytesServed.get() > 100_000);
    }

    /** Reads the whole file through the reader in odd-sized pieces and compares; then past the end. */
    private static void assertContent(Path p, EntryReader reader, Entry e, String what) throws IOException {
        byte[] expected = Files.readAllBytes(p);
        byte[] actual = new byte[expected.length];
        int[] pieces = {1, 511, 4096, 65_537, 300_001};
        int done = 0;
        for (int i = 0; done < expected.length; i++) {
            int n = reader.read(e, done, actual, done, Math.min(pieces[i % pieces.length], expected.length - done));
            assertTrue(n > 0, "progress reading " + what + " at " + done);
            done += n;
        }
        assertArrayEquals(Digest.sha256(expected).hex().getBytes(), Digest.sha256(actual).hex().getBytes(), "content of " + what);
        assertEquals(0, reader.read(e, expected.length, new byte[10], 0, 10), "read at EOF of " + what);
        assertEquals(0, reader.read(e, expected.length + 1000L, new byte[10], 0, 10), "read past EOF of " + what);
    }

    private static Map<String, String> expectedXattrs(Path p, boolean stored) throws Exception {
        Map<String, String> out = new TreeMap<>();
        if (!stored || Files.isSymbolicLink(p)) {
            return out;
        }
        String dump = Shell.run(p.getParent(), "getfattr", "-d", "-m", "-", "-e", "base64", "--absolute-names", p.toString());
        for (String line : dump.split("\n")) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                String v = line.substring(eq + 1);
                out.put(line.substring(0, eq), java.util.HexFormat.of().formatHex(
                        v.startsWith("0s") ? Base64.getDecoder().decode(v.substring(2)) : v.replace("\"", "").getBytes()));
            }
        }
        if (p.getFileName().toString().equals("caps")) {
            assertEquals(java.util.HexFormat.of().formatHex(CAPABILITY), out.get("security.capability"));
        }
        return out;
    }

    private static Map<String, String> hex(Map<String, byte[]> xattrs) {
        Map<String, String> out = new TreeMap<>();
        xattrs.forEach((k, v) -> out.put(k, java.util.HexFormat.of().formatHex(v)));
        return out;
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
