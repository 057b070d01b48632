package io.strata.fs.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entries a COPY writes, against an image drawn here:
 * <pre>
 * image:   bin -> usr/bin     usr/ (0755 0:0)   usr/bin/ (0755)   opt/ (0700 5:6, xattr)   etc/hosts   data -> /opt
 * context: app/ (0750) { a.txt (0640), sub/ { run.sh (0755) }, link -> a.txt }   one.txt
 * </pre>
 */
class CopyLayerTest {

    private static final long MTIME = 1_600_000_000L;
    private static final Owners.Owner OWNER = new Owners.Owner(1000, 1001);

    @TempDir
    Path context;

    private UnionView image;
    private ContextFiles files;

    @BeforeEach
    void fixture() throws IOException {
        image = UnionView.build(List.of(new LayerIndex(Digest.sha256(new byte[] {1}), null, List.of(
                entry("bin", EntryType.SYMLINK, 0777, 0, 0, "usr/bin", Map.of()),
                entry("usr", EntryType.DIRECTORY, 0755, 0, 0, null, Map.of()),
                entry("usr/bin", EntryType.DIRECTORY, 0755, 0, 0, null, Map.of()),
                entry("opt", EntryType.DIRECTORY, 0700, 5, 6, null, Map.of("user.x", new byte[] {7})),
                entry("etc", EntryType.DIRECTORY, 0755, 0, 0, null, Map.of()),
                entry("etc/hosts", EntryType.FILE, 0644, 0, 0, null, Map.of()),
                entry("data", EntryType.SYMLINK, 0777, 0, 0, "/opt", Map.of())))));
        Path app = Files.createDirectories(context.resolve("app/sub"));
        Files.writeString(app.resolve("../a.txt"), "a");
        Files.writeString(app.resolve("run.sh"), "#!/bin/sh\n");
        Files.createSymbolicLink(context.resolve("app/link"), Path.of("a.txt"));
        Files.writeString(context.resolve("one.txt"), "one");
        Files.setPosixFilePermissions(context.resolve("app"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(context.resolve("app/a.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(app.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String p : List.of("app/a.txt", "app/sub/run.sh", "app/sub", "app", "one.txt")) {
            Files.setLastModifiedTime(context.resolve(p), FileTime.fromMillis(MTIME * 1000));
        }
        files = new ContextFiles(context);
    }

    private static Entry entry(String path, EntryType type, int mode, long uid, long gid, String target,
                               Map<String, byte[]> xattrs) {
        return new Entry(path, type, mode, uid, gid, type == EntryType.FILE ? 1 : 0, 1_700_000_000L, 0, target, 0, 0,
                xattrs, 512, type == EntryType.FILE ? 1 : 0, null);
    }

    private List<String> copy(List<String> sources, String dest) throws IOException {
        List<String> out = new ArrayList<>();
        for (NewEntry n : CopyLayer.entries(image, files.resolve(sources), dest, OWNER, 42)) {
            Entry e = n.entry();
            String content = "";
            if (n.content() != null) {
                try (InputStream in = n.content().open()) {
                    content = " '" + new String(in.readAllBytes(), StandardCharsets.UTF_8).strip() + "'";
                }
            }
            out.add(e.type().name().charAt(0) + " " + e.path() + " " + Integer.toOctalString(e.mode()) + " " + e.uid()
                    + ":" + e.gid() + " " + e.mtimeSeconds() + (e.linkTarget() == null ? "" : " -> " + e.linkTarget())
                    + (e.xattrs().isEmpty() ? "" : " xattrs") + content);
        }
        return out;
    }

    @Test
    void entries_directoryIntoNewPath_contentWithParentsFromImageAndSourceDirMetadata() throws IOException {
        assertEquals(List.of(
                "D opt 700 5:6 1700000000 xattrs",
                "D opt/app 750 1000:1001 1600000000",
                "F opt/app/a.txt 640 1000:1001 1600000000 'a'",
                "S opt/app/link 777 1000:1001 " + linkMtime() + " -> a.txt",
                "D opt/app/sub 755 1000:1001 1600000000",
                "F opt/app/sub/run.sh 755 1000:1001 1600000000 '#!/bin/sh'"), copy(List.of("app"), "/opt/app"));
    }

    @Test
    void entries_fileIntoSymlinkedDirectory_writtenWhereTheSymlinkLeads() throws IOException {
        assertEquals(List.of(
                "D usr 755 0:0 1700000000",
                "D usr/bin 755 0:0 1700000000",
                "F usr/bin/one.txt 644 1000:1001 1600000000 'one'"), copy(List.of("one.txt"), "/bin/"));
        assertEquals(List.of(
                "D opt 700 5:6 1700000000 xattrs",
                "F opt/renamed 644 1000:1001 1600000000 'one'"), copy(List.of("one.txt"), "/data/renamed"),
                "an absolute symlink is followed from the image's root, never the host's");
    }

    @Test
    void entries_fileOntoExistingDirectoryWithoutSlash_copiedIntoIt() throws IOException {
        assertEquals(List.of("D etc 755 0:0 1700000000", "F etc/one.txt 644 1000:1001 1600000000 'one'"),
                copy(List.of("one.txt"), "/etc"));
    }

    @Test
    void entries_newDeepDestination_parentsMadeWithOwnerAndGivenTime() throws IOException {
        assertEquals(List.of("D new 755 1000:1001 42", "D new/deep 755 1000:1001 42",
                "F new/deep/file 644 1000:1001 1600000000 'one'"), copy(List.of("one.txt"), "/new/deep/file"));
    }

    @Test
    void entries_globAndSeveralSources_needDirectoryDestination() throws IOException {
        assertTrue(copy(List.of("*.txt", "app/a.txt"), "/x/").containsAll(List.of(
                "F x/one.txt 644 1000:1001 1600000000 'one'", "F x/a.txt 640 1000:1001 1600000000 'a'")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> copy(List.of("one.txt", "app/a.txt"), "/x"));
        assertTrue(e.getMessage().contains("end /x with /"), e.getMessage());
    }

    @Test
    void entries_belowAFileOfTheImage_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> copy(List.of("one.txt"), "/etc/hosts/x"));
        assertTrue(e.getMessage().contains("/etc/hosts is not a directory"), e.getMessage());
        IllegalArgumentException onto = assertThrows(IllegalArgumentException.class,
                () -> copy(List.of("app"), "/etc/hosts"));
        assertTrue(onto.getMessage().contains("is a FILE in the image, not a directory"), onto.getMessage());
    }

    @Test
    void entries_contentsOfTheContextToRoot_rootNotWritten() throws IOException {
        List<String> all = copy(List.of("."), "/");
        assertTrue(all.contains("F one.txt 644 1000:1001 1600000000 'one'"), all.toString());
        assertTrue(all.contains("D app 750 1000:1001 1600000000"), all.toString());
        assertTrue(all.stream().noneMatch(l -> l.startsWith("D  ")), all.toString());
    }

    private long linkMtime() throws IOException {
        return ((FileTime) Files.getAttribute(context.resolve("app/link"), "unix:lastModifiedTime",
                java.nio.file.LinkOption.NOFOLLOW_LINKS)).toInstant().getEpochSecond();
    }
}
