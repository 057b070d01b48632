package io.strata.fs.commit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.LayerWriter;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fs.it.Shell;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UpperChanges} over upper directories built by hand (as root: owners, devices, {@code security.*}):
 * <pre>
 * upper/
 * ├── .wh.gone            whiteout of a lower top-level file
 * ├── bin/tool            4755, security.capability (binary) + user.comment
 * ├── dev/null            char 1:3;  dev/pipe: fifo;  dev/sock: socket (skipped)
 * ├── etc/hello           uid 1000, mtime 2001-02-03; etc/hello-hard: same inode
 * ├── link -> etc/hello
 * └── opaque/.wh..wh..opq, opaque/new
 * </pre>
 */
class UpperChangesTest {

    private static final String CAPABILITY = "0x0100000200200000000000000000000000000000";
    private static final long MTIME = 981_158_400L; // 2001-02-03T00:00:00Z

    @TempDir
    Path tmp;

    private Path upper;

    @BeforeEach
    void fixture() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "owners, devices and security.* xattrs need root");
        upper = Files.createDirectories(tmp.resolve("upper"));
        Shell.run(upper, "bash", "-euo", "pipefail", "-c", """
                mkdir -p bin dev etc opaque
                : > .wh.gone; : > opaque/.wh..wh..opq; echo new > opaque/new
                printf '#!/bin/sh\\necho hi\\n' > bin/tool; chmod 4755 bin/tool
                setfattr -n security.capability -v %s bin/tool
                setfattr -n user.comment -v 'some text' bin/tool
                mknod dev/null c 1 3; mkfifo dev/pipe
                printf 'hello\\n' > etc/hello; chown 1000:1000 etc/hello; touch -d @%d etc/hello
                ln etc/hello etc/hello-hard; ln -s etc/hello link
                """.formatted(CAPABILITY, MTIME));
    }

    @Test
    void scan_everyKind_sortedEntriesWithRealMetadata() throws Exception {
        try (ServerSocketChannel socket = bindSocket(upper.resolve("dev/sock"))) {
            UpperChanges.Result r = UpperChanges.scan(upper);
            assertEquals(List.of(".wh.gone", "bin", "bin/tool", "dev", "dev/null", "dev/pipe", "etc", "etc/hello",
                    "etc/hello-hard", "link", "opaque", "opaque/.wh..wh..opq", "opaque/new"), paths(r));
            assertEquals(List.of("dev/sock"), r.skipped());
            assertEquals(1, r.whiteouts());
            assertEquals(1, r.opaqueDirs());
            Map<String, Entry> byPath = r.entries().stream().map(NewEntry::entry)
                    .collect(Collectors.toMap(Entry::path, e -> e));
            Entry tool = byPath.get("bin/tool");
            assertEquals(04755, tool.mode());
            assertEquals(CAPABILITY.substring(2), HexFormat.of().formatHex(tool.xattrs().get("security.capability")));
            assertArrayEquals("some text".getBytes(), tool.xattrs().get("user.comment"));
            Entry hello = byPath.get("etc/hello");
            assertEquals(EntryType.FILE, hello.type());
            assertEquals(1000, hello.uid());
            assertEquals(MTIME, hello.mtimeSeconds());
            assertEquals(6, hello.size());
            Entry hard = byPath.get("etc/hello-hard");
            assertEquals(EntryType.HARDLINK, hard.type());
            assertEquals("etc/hello", hard.linkTarget());
            Entry dev = byPath.get("dev/null");
            assertEquals(EntryType.CHAR_DEVICE, dev.type());
            assertEquals(1, dev.devMajor());
            assertEquals(3, dev.devMinor());
            assertEquals(EntryType.FIFO, byPath.get("dev/pipe").type());
            assertEquals(EntryType.SYMLINK, byPath.get("link").type());
            assertEquals("etc/hello", byPath.get("link").linkTarget());
            assertEquals(EntryType.FILE, byPath.get(".wh.gone").type());
            assertTrue(byPath.get(".wh.gone").xattrs().isEmpty());
        }
    }

    @Test
    void write_sameUpperTwiceAfterReadsAndChmod_sameDigest() throws Exception {
        WrittenLayer first = write("a");
        // What must not matter: access times (reading), change times (chmod to the same mode), directory order.
        Files.readAllBytes(upper.resolve("etc/hello"));
        Shell.run(upper, "chmod", "4755", "bin/tool");
        Files.setLastModifiedTime(upper.resolve("etc/hello"), FileTime.fromMillis(MTIME * 1000 + 999));
        WrittenLayer second = write("b");
        assertEquals(first.digest(), second.digest());
        assertEquals(first.diffId(), second.diffId());

        Files.setLastModifiedTime(upper.resolve("etc/hello"), FileTime.fromMillis((MTIME + 1) * 1000));
        assertFalse(first.digest().equals(write("c").digest()), "a whole-second change of mtime changes the layer");
    }

    @Test
    void scan_whiteoutNextToRecreatedFile_whiteoutDropped() throws Exception {
        Files.writeString(upper.resolve("gone"), "back\n");
        UpperChanges.Result r = UpperChanges.scan(upper);
        assertFalse(paths(r).contains(".wh.gone"), paths(r).toString());
        assertTrue(paths(r).contains("gone"));
        assertEquals(0, r.whiteouts());
    }

    @Test
    void scan_whiteoutNextToRecreatedDirectory_opaqueMarkerInstead() throws Exception {
        Files.createDirectories(upper.resolve("gone"));
        Files.writeString(upper.resolve("gone/inside"), "new\n");
        UpperChanges.Result r = UpperChanges.scan(upper);
        assertFalse(paths(r).contains(".wh.gone"));
        assertTrue(paths(r).contains("gone/.wh..wh..opq"), paths(r).toString());
        assertEquals(2, r.opaqueDirs());
        Entry marker = r.entries().stream().map(NewEntry::entry).filter(e -> e.path().equals("gone/.wh..wh..opq"))
                .findFirst().orElseThrow();
        assertEquals(0, marker.size());
        assertNull(r.entries().get(paths(r).indexOf("gone/.wh..wh..opq")).content());
    }

    @Test
    void scan_nonEmptyWhiteout_failsNamingIt() throws Exception {
        Files.writeString(upper.resolve(".wh.gone"), "oops");
        IOException e = assertThrows(IOException.class, () -> UpperChanges.scan(upper));
        assertTrue(e.getMessage().contains(".wh.gone is a whiteout but not empty"), e.getMessage());
    }

    @Test
    void scan_reservedNameThatIsNoWhiteout_refused() throws Exception {
        Files.writeString(upper.resolve(".wh..wh.plnk"), "");
        IOException e = assertThrows(IOException.class, () -> UpperChanges.scan(upper));
        assertTrue(e.getMessage().contains("neither a whiteout nor an opaque marker"), e.getMessage());
    }

    @Test
    void scan_overlayfsWhiteout_refusedAsWrongFormat() throws Exception {
        Shell.run(upper, "mknod", "deleted", "c", "0", "0");
        IOException e = assertThrows(IOException.class, () -> UpperChanges.scan(upper));
        assertTrue(e.getMessage().contains("the whiteout of kernel overlayfs"), e.getMessage());
    }

    private WrittenLayer write(String name) throws IOException {
        return LayerWriter.write(UpperChanges.scan(upper).entries(), LayerEncoding.GZIP, tmp.resolve(name), tmp);
    }

    private static List<String> paths(UpperChanges.Result r) {
        return r.entries().stream().map(n -> n.entry().path()).toList();
    }

    private static ServerSocketChannel bindSocket(Path path) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(path));
        return ch;
    }
}
