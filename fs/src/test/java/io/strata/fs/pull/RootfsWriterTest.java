package io.strata.fs.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fs.posix.Posix;
import io.strata.fs.posix.Trees;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The applier: layers (real tar files, indexed by the fetcher) merged by the union and written to a directory.
 * Trees are compared as one line per path: {@code path type mode [content | -> target]}.
 */
class RootfsWriterTest {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path work;

    private int layers;

    @Test
    void write_whiteouts_removeLowerFilesAndSubtreesAndAreNeverWritten() throws Exception {
        Path root = pull(
                layer().dir("a").file("a/keep", "keep").file("a/gone", "gone").dir("a/gonedir").dir("a/gonedir/x")
                        .file("a/gonedir/x/y", "y").file("top", "top"),
                layer().dir("a").whiteout("a/.wh.gone").whiteout("a/.wh.gonedir").whiteout(".wh.never-existed")
                        .whiteout(".wh.top"));
        assertEquals("""
                a dir 755
                a/keep file 644 keep""", render(root));
    }

    @Test
    void write_opaqueMarkerAfterItsSibling_hidesOnlyLowerChildren() throws Exception {
        // L2 lists b/new before b/.wh..wh..opq: the marker still applies first (layer.md, "Opaque Whiteout").
        Path root = pull(
                layer().dir("b").file("b/old1", "1").dir("b/olddir").file("b/olddir/x", "x"),
                layer().dir("b").file("b/new", "new").whiteout("b/.wh..wh..opq"));
        assertEquals("""
                b dir 755
                b/new file 644 new""", render(root));
    }

    @Test
    void write_whiteoutAndNewEntryInOneLayer_showsTheNewEntry() throws Exception {
        Path root = pull(
                layer().dir("f").file("f/x", "old"),
                layer().dir("f").whiteout("f/.wh.x").file("f/x", "new"));
        assertEquals("""
                f dir 755
                f/x file 644 new""", render(root));
    }

    @Test
    void write_fileOverDirectoryAndDirectoryOverFile_replaceWholly() throws Exception {
        Path root = pull(
                layer().dir("c").file("c/file", "f").file("d", "d-was-a-file"),
                layer().file("c", "now-a-file").dir("d").file("d/child", "child"),
                layer().dir("c").file("c/z", "z")); // c/file of layer 1 must not come back
        assertEquals("""
                c dir 755
                c/z file 644 z
                d dir 755
                d/child file 644 child""", render(root));
    }

    @Test
    void write_symlinkOverDirectory_hidesTheLowerTree() throws Exception {
        Path root = pull(
                layer().dir("a").file("a/f", "f").dir("s").file("s/inner", "i"),
                layer().symlink("s", "a"));
        assertEquals("""
                a dir 755
                a/f file 644 f
                s symlink -> a""", render(root));
    }

    @Test
    void write_lowerSymlinkToOutsideThenFileThroughIt_staysInsideTheRoot() throws Exception {
        // Layer 1 plants "evil" -> a directory outside the root (absolute and relative); layer 2 writes through it.
        // The union never resolves through a symlink: "evil" becomes a directory of the root.
        Path outside = Files.createDirectories(work.resolve("outside"));
        Path root = pull(
                layer().symlink("evil", outside.toString()).symlink("rel", "../outside"),
                layer().dir("evil").file("evil/pwned", "x").file("rel/pwned", "y"));
        assertEquals("""
                evil dir 755
                evil/pwned file 644 x
                rel dir 755
                rel/pwned file 644 y""", render(root));
        assertEquals(List.of(), list(outside), "a write escaped the root");
    }

    @Test
    void write_symlinkThenFileThroughItInOneLayer_staysInsideTheRoot() throws Exception {
        Path outside = Files.createDirectories(work.resolve("outside"));
        Path root = pull(layer().symlink("link", outside.toString()).file("link/pwned", "x"));
        assertEquals("""
                link dir 755
                link/pwned file 644 x""", render(root));
        assertEquals(List.of(), list(outside), "a write escaped the root");
    }

    @Test
    void write_absolutePaths_areWrittenUnderTheRoot() throws Exception {
        Path root = pull(layer().dir("/etc").file("/etc/passwd", "root:x:0:0"));
        assertEquals("""
                etc dir 755
                etc/passwd file 644 root:x:0:0""", render(root));
    }

    @Test
    void index_dotDotPaths_areRefusedNamingTheEntry() {
        for (String hostile : List.of("../escape", "a/../../escape", "./../escape")) {
            CorruptLayerException e = assertThrows(CorruptLayerException.class,
                    () -> layer().file(hostile, "x").save(work.resolve("hostile.tar")), hostile);
            assertTrue(e.getMessage().contains("'..'") && e.getMessage().contains("escape"), e.getMessage());
        }
    }

    @Test
    void write_hardlinkThroughALowerSymlink_isRefused() throws Exception {
        Path outside = Files.createDirectories(work.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        List<TarFixture.Layer> saved = List.of(
                layer().symlink("s", outside.toString()).save(work.resolve("l1.tar")),
                layer().hardlink("stolen", "s/secret").save(work.resolve("l2.tar")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnionView.build(TarFixture.Layer.indexes(saved)));
        assertTrue(e.getMessage().contains("stolen") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void write_hardlinks_shareOneInode() throws Exception {
        Path root = pull(layer().dir("d").file("d/one", "same").hardlink("d/two", "d/one").hardlink("three", "d/one"));
        Object inode = Files.getAttribute(root.resolve("d/one"), "unix:ino");
        assertEquals(inode, Files.getAttribute(root.resolve("d/two"), "unix:ino"));
        assertEquals(inode, Files.getAttribute(root.resolve("three"), "unix:ino"));
        assertEquals(3, Files.getAttribute(root.resolve("three"), "unix:nlink"));
    }

    @Test
    void write_metadata_ownersModesTimesXattrsAsTheTarSays() throws Exception {
        assumeTrue(Posix.isRoot(), "owners need root");
        Path root = pull(layer()
                .nextMtime(900_000_000L).dir("ro", 0555) // read-only: its child must still be written
                .nextXattr("user.comment", "some text").file("ro/tool", "#!/bin/sh\n", 04755, 1234, 5678)
                .dir("tmp", 01777)
                .symlink("link", "ro/tool")
                .device("null", TarConstants.LF_CHR, 1, 3)
                .device("fifo", TarConstants.LF_FIFO, 0, 0));
        assertEquals("""
                fifo fifo 620
                link symlink -> ro/tool
                null char 620 1:3
                ro dir 555
                ro/tool file 4755 #!/bin/sh
                tmp dir 1777""", render(root));
        Path tool = root.resolve("ro/tool");
        assertEquals(1234, Files.getAttribute(tool, "unix:uid"));
        assertEquals(5678, Files.getAttribute(tool, "unix:gid"));
        assertEquals("some text", new String(xattr(tool, "comment"), StandardCharsets.UTF_8));
        assertEquals(FileTime.fromMillis(TarFixture.MTIME * 1000), Files.getLastModifiedTime(tool, NOFOLLOW));
        // A directory's time is set after its children were created in it.
        assertEquals(FileTime.fromMillis(900_000_000_000L), Files.getLastModifiedTime(root.resolve("ro"), NOFOLLOW));
        assertEquals(FileTime.fromMillis(TarFixture.MTIME * 1000), Files.getLastModifiedTime(root.resolve("link"), NOFOLLOW));
    }

    @Test
    void write_deeplyNestedLayer_isWrittenWhole() throws Exception {
        TarFixture deep = layer();
        StringBuilder path = new StringBuilder("d");
        for (int i = 0; i < 400; i++) {
            deep.dir(path.toString());
            path.append("/d");
        }
        deep.file(path + "f", "bottom");
        Path root = pull(deep);
        assertEquals("bottom", Files.readString(root.resolve(path + "f")));
        Trees.deleteRecursively(root); // JUnit's own clean-up resolves every path again: cubic in the depth
        assertFalse(Files.exists(root));
    }

    @Test
    void write_nonEmptyTarget_isRefusedBeforeAnythingIsWritten() throws Exception {
        Path target = Files.createDirectories(work.resolve("full"));
        Files.writeString(target.resolve("mine"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RootDirectory.check(target));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("keep me", Files.readString(target.resolve("mine")));
    }

    @Test
    void fill_failure_leavesTheTargetAsItWas() throws Exception {
        Path target = Files.createDirectories(work.resolve("empty"));
        RootDirectory dir = RootDirectory.check(target);
        assertThrows(IOException.class, () -> dir.fill(tmp -> {
            Files.writeString(tmp.resolve("half"), "x");
            throw new IOException("boom");
        }));
        assertEquals(List.of(), list(target));
        assertEquals(List.of("empty"), list(work), "the hidden sibling was not removed");
    }

    // --- helpers

    private TarFixture layer() {
        return new TarFixture();
    }

    /** Saves the layers, merges them and writes the tree to a new directory, as a pull does. */
    private Path pull(TarFixture... fixtures) throws IOException {
        List<TarFixture.Layer> saved = new ArrayList<>();
        for (TarFixture f : fixtures) {
            saved.add(f.save(work.resolve("layer" + (++layers) + ".tar")));
        }
        UnionView view = UnionView.build(TarFixture.Layer.indexes(saved));
        Path root = work.resolve("root");
        RootDirectory.check(root).fill(dir -> RootfsWriter.write(view, TarFixture.Layer.tars(saved), dir));
        return root;
    }

    /** One line per path below {@code root}, sorted: {@code path type mode [content | -> target | major:minor]}. */
    private static String render(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted()::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", NOFOLLOW);
                int mode = (Integer) a.get("mode");
                String type = switch (mode & 0170000) {
                    case 0040000 -> "dir";
                    case 0120000 -> "symlink";
                    case 0020000 -> "char";
                    case 0010000 -> "fifo";
                    default -> "file";
                };
                String line = root.relativize(p) + " " + type;
                line += switch (type) {
                    case "symlink" -> " -> " + Files.readSymbolicLink(p);
                    case "file" -> " " + Integer.toOctalString(mode & 07777) + " " + Files.readString(p).strip();
                    case "char" -> " " + Integer.toOctalString(mode & 07777) + " " + rdev((Long) a.get("rdev"));
                    default -> " " + Integer.toOctalString(mode & 07777);
                };
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }

    private static String rdev(long rdev) {
        return ((rdev >> 8) & 0xfff) + ":" + ((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("layer")).sorted().toList();
        }
    }

    private static byte[] xattr(Path p, String userName) throws IOException {
        var view = Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(view.size(userName));
        view.read(userName, buf);
        return buf.array();
    }
}
