package io.strata.fs.writable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fs.fuse.FuseReplies;
import io.strata.fs.fuse.TestTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writable merged tree without FUSE, over {@link TestTree}:
 * <pre>
 * /  dir/ (0750 1000:1000) nested.txt   hello.txt (1000:1001, mtime with nanoseconds)   big.bin (1 MiB)
 *    link -> hello.txt   fifo   tty (char 4,64)   suid (04755)   sticky/ (01777, empty)
 *    hard1 = hard2 (one inode)   cap (security.capability, user.note)   broken.bin (its reader fails)
 * </pre>
 */
class OverlayTest {

    private static final Caller USER = new Caller(1000, 1000);

    @TempDir
    Path tmp;

    private Fixture f;

    @BeforeEach
    void open() throws IOException {
        f = new Fixture(tmp.resolve("c"));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void chmod_lowerFileInLowerDir_copiesOnlyItAndItsParentWithTheirMetadata() throws IOException {
        f.overlay.chmod("dir/nested.txt", 0600);

        assertEquals("nested\n", Files.readString(f.upper("dir/nested.txt")));
        assertEquals(0100600, mode(f.upper("dir/nested.txt")));
        assertEquals(040750, mode(f.upper("dir")));
        assertEquals(1000, Files.getAttribute(f.upper("dir"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        // The copy-up did not change the directory: its lower mtime stays.
        assertEquals(FileTime.from(1_600_000_000L, java.util.concurrent.TimeUnit.SECONDS),
                Files.getLastModifiedTime(f.upper("dir"), LinkOption.NOFOLLOW_LINKS));
        try (var top = Files.list(f.upper(""))) {
            assertEquals(List.of("dir"), top.map(p -> p.getFileName().toString()).toList()); // never the whole tree
        }
        assertEquals(List.of("nested.txt"), f.list("dir"));
    }

    @Test
    void copyUp_keepsOwnerNanosecondTimesSetuidAndBinaryXattrs() throws IOException {
        touchNothing("hello.txt"); // (a chown, even to the same owner, would clear setuid and capabilities)
        touchNothing("suid");
        touchNothing("cap");

        Path hello = f.upper("hello.txt");
        assertEquals(1000, Files.getAttribute(hello, "unix:uid"));
        assertEquals(1001, Files.getAttribute(hello, "unix:gid"));
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(TestTree.HELLO_MTIME, TestTree.HELLO_NANOS)),
                Files.getLastModifiedTime(hello));
        assertEquals("hello world\n", Files.readString(hello));
        assertEquals(0104755, mode(f.upper("suid")));
        assertArrayEquals(TestTree.CAPABILITY, HostFs.getxattr(f.upper("cap").toString(), "security.capability"));
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), HostFs.getxattr(f.upper("cap").toString(), "user.note"));
    }

    @Test
    void copyUp_symlinkFifoAndDevice_keepTheirKind() throws IOException {
        f.overlay.chown("link", 0, 0);
        f.overlay.utimens("fifo", 5, 0, 5, 0);
        f.overlay.chown("tty", 0, 5);

        assertEquals("hello.txt", Files.readSymbolicLink(f.upper("link")).toString());
        assertEquals(010644, mode(f.upper("fifo")));
        assertEquals(020620, mode(f.upper("tty")));
        assertEquals(4L * 256 + 64, ((Long) Files.getAttribute(f.upper("tty"), "unix:rdev")).longValue());
        assertEquals("hello.txt", f.overlay.readlink("link"));
    }

    @Test
    void truncateToZero_lowerFile_copiesNoContent() throws IOException {
        f.overlay.truncate("big.bin", 0);
        assertEquals(0, f.lowerBytesRead.get());
        assertEquals(0, Files.size(f.upper("big.bin")));

        f.overlay.truncate("hello.txt", 5);
        assertEquals("hello", Files.readString(f.upper("hello.txt")));
    }

    @Test
    void copyUp_concurrentWriters_copyTheContentOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int mode = 0600 + i;
                all.add(pool.submit(() -> {
                    f.overlay.chmod("big.bin", mode);
                    return null;
                }));
            }
            for (Future<?> each : all) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(TestTree.BIG_SIZE, f.lowerBytesRead.get());
        byte[] copied = Files.readAllBytes(f.upper("big.bin"));
        for (int i = 0; i < copied.length; i += 4099) {
            assertEquals(TestTree.bigByte(i), copied[i], "byte " + i);
        }
    }

    @Test
    void copyUp_layerReadFails_eioAndNothingLeftInUpperOrWork() throws IOException {
        IOException e = assertThrows(IOException.class, () -> f.overlay.chmod("broken.bin", 0600));
        assertFalse(e instanceof ErrnoException, e.toString());
        assertFalse(Files.exists(f.upper("broken.bin"), LinkOption.NOFOLLOW_LINKS));
        try (var work = Files.list(f.dir.resolve("work"))) {
            assertEquals(0, work.count());
        }
    }

    @Test
    void unlink_lowerFile_writesWhiteoutThatNeverShows() throws IOException {
        f.ns().unlink("hello.txt");

        assertTrue(Files.isRegularFile(f.upper(".wh.hello.txt"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.size(f.upper(".wh.hello.txt")));
        assertFalse(f.list("").contains("hello.txt"));
        assertFalse(f.list("").stream().anyMatch(n -> n.startsWith(".wh.")));
        assertErrno(Errno.ENOENT, () -> f.overlay.resolve("hello.txt"));
        assertErrno(Errno.ENOENT, () -> f.overlay.resolve(".wh.hello.txt"));
    }

    @Test
    void unlink_fileMadeInTheMount_leavesNoTrace() throws IOException {
        HostFs.closeQuietly(f.ns().create("new.txt", 0644, Libc.O_WRONLY, USER));
        f.ns().unlink("new.txt");
        try (var top = Files.list(f.upper(""))) {
            assertEquals(0, top.count());
        }
    }

    @Test
    void rmdirThenMkdir_lowerDirectory_becomesOpaqueAndStaysEmptyAfterRemount() throws IOException {
        assertErrno(Errno.ENOTEMPTY, () -> f.ns().rmdir("dir"));
        f.ns().unlink("dir/nested.txt");
        f.ns().rmdir("dir");
        assertTrue(Files.exists(f.upper(".wh.dir")));
        assertFalse(Files.exists(f.upper("dir")));

        f.ns().mkdir("dir", 0700, USER);
        assertTrue(Files.exists(f.upper("dir/.wh..wh..opq")));
        assertFalse(Files.exists(f.upper(".wh.dir")));
        assertEquals(List.of(), f.list("dir"));
        f.remount();
        assertEquals(List.of(), f.list("dir"));
        assertEquals(040700, f.stat("dir").st_mode.intValue());
    }

    @Test
    void rename_lowerDirectory_exdevAndNothingChanges() throws IOException {
        assertErrno(Errno.EXDEV, () -> f.ns().rename("dir", "dir2"));
        try (var top = Files.list(f.upper(""))) {
            assertEquals(0, top.count());
        }
    }

    @Test
    void rename_lowerFile_copiedUpAndSourceWhitedOut() throws IOException {
        f.ns().rename("hello.txt", "sticky/moved.txt");

        assertEquals("hello world\n", Files.readString(f.upper("sticky/moved.txt")));
        assertEquals(1000, Files.getAttribute(f.upper("sticky/moved.txt"), "unix:uid"));
        assertTrue(Files.exists(f.upper(".wh.hello.txt")));
        assertFalse(f.list("").contains("hello.txt"));
        assertEquals(List.of("moved.txt"), f.list("sticky"));
    }

    @Test
    void rename_directoryMadeInTheMount_movesItsContentAndHidesLowerAtTarget() throws IOException {
        f.ns().mkdir("a", 0755, USER);
        HostFs.closeQuietly(f.ns().create("a/f", 0644, Libc.O_WRONLY, USER));
        f.ns().rename("a", "b");
        assertEquals(List.of("f"), f.list("b"));

        f.ns().rename("b", "sticky"); // an empty lower directory: replaced, and it must not merge with the lower one
        assertEquals(List.of("f"), f.list("sticky"));
        assertTrue(Files.exists(f.upper("sticky/.wh..wh..opq")));
        assertFalse(f.list("").contains("a") || f.list("").contains("b"));
    }

    @Test
    void rename_overNonEmptyDirectory_enotempty() throws IOException {
        f.ns().mkdir("a", 0755, USER);
        assertErrno(Errno.ENOTEMPTY, () -> f.ns().rename("a", "dir"));
        assertErrno(Errno.EINVAL, () -> f.ns().rename("a", "a/inside"));
        assertErrno(Errno.EISDIR, () -> f.ns().rename("hello.txt", "a"));
    }

    @Test
    void reservedNames_cannotBeCreated() throws IOException {
        assertErrno(Errno.EINVAL, () -> f.ns().create(".wh.x", 0644, Libc.O_WRONLY, USER));
        assertErrno(Errno.EINVAL, () -> f.ns().mkdir("dir/.wh..wh..opq", 0755, USER));
        assertErrno(Errno.EINVAL, () -> f.ns().rename("hello.txt", ".wh.hello.txt"));
        assertErrno(Errno.EINVAL, () -> f.ns().symlink("x", "sticky/.wh.y", USER));
        assertTrue(f.list("").contains("hello.txt"));
    }

    @Test
    void hardlinks_copyUpOfOneNameBreaksTheLowerGroupAndNewLinksAreReal() throws IOException {
        long lowerIno = f.stat("hard2").st_ino.longValue();
        f.overlay.chmod("hard1", 0600);
        assertNotEquals(f.stat("hard1").st_ino.longValue(), f.stat("hard2").st_ino.longValue());
        assertEquals(lowerIno, f.stat("hard2").st_ino.longValue());
        assertEquals(2, f.stat("hard2").st_nlink.longValue()); // the lower file's count, as overlayfs shows

        f.ns().link("hard1", "hard3");
        assertEquals(f.stat("hard1").st_ino.longValue(), f.stat("hard3").st_ino.longValue());
        assertEquals(2, f.stat("hard3").st_nlink.longValue());
        f.ns().link("hello.txt", "sticky/hello-link"); // a lower file: copied up, then linked
        assertEquals(f.stat("hello.txt").st_ino.longValue(), f.stat("sticky/hello-link").st_ino.longValue());
    }

    @Test
    void inodes_lowerKeptMergedDirectoriesKeepLowerUpperFilesAbove2pow62() throws IOException {
        long dirIno = f.stat("dir").st_ino.longValue();
        long helloIno = f.stat("hello.txt").st_ino.longValue();
        assertTrue(helloIno < Overlay.UPPER_INODES);
        f.overlay.chmod("dir/nested.txt", 0600);
        f.overlay.chmod("hello.txt", 0600);

        assertEquals(1, f.stat("").st_ino.longValue());
        assertEquals(dirIno, f.stat("dir").st_ino.longValue());
        assertEquals(1, f.stat("dir").st_nlink.longValue());
        assertTrue(f.stat("hello.txt").st_ino.longValue() > Overlay.UPPER_INODES);
    }

    @Test
    void open_readOnlyBeforeCopyUp_keepsReadingTheLowerContent() throws IOException {
        HandleTable.Handle ro = f.overlay.open("hello.txt", Libc.O_RDONLY);
        assertFalse(ro.isUpper());
        HandleTable.Handle rw = f.overlay.open("hello.txt", Libc.O_WRONLY | Libc.O_TRUNC);
        try {
            assertTrue(rw.isUpper());
            assertEquals(0, Files.size(f.upper("hello.txt")));
            assertEquals(0, f.lowerBytesRead.get(), "O_TRUNC copied content up");
            Pointer buf = Memory.allocateDirect(Libc.RUNTIME, 64);
            int n = FuseReplies.readNode(f.overlay.content(), ro.lower(), buf, 64, 0);
            byte[] got = new byte[n];
            buf.get(0, got, 0, n);
            assertEquals("hello world\n", new String(got, StandardCharsets.UTF_8));
        } finally {
            HostFs.closeQuietly(rw.fd());
        }
    }

    @Test
    void create_inSetgidDirectory_takesItsGroup() throws IOException {
        f.ns().mkdir("g", 02775, Caller.ROOT);
        f.overlay.chown("g", 0, 55);
        HostFs.closeQuietly(f.ns().create("g/file", 0640, Libc.O_RDWR, USER));
        f.ns().mkdir("g/sub", 0755, USER);

        assertEquals(1000, f.stat("g/file").st_uid.get());
        assertEquals(55, f.stat("g/file").st_gid.get());
        assertEquals(0100640, f.stat("g/file").st_mode.intValue());
        assertEquals(55, f.stat("g/sub").st_gid.get());
        assertEquals(042755, f.stat("g/sub").st_mode.intValue());
    }

    @Test
    void removexattr_absentOnLowerFile_enodataWithoutCopyUp() throws IOException {
        assertErrno(Errno.ENODATA, () -> f.overlay.removexattr("hello.txt", "user.none"));
        assertFalse(Files.exists(f.upper("hello.txt")));
        f.overlay.removexattr("cap", "user.note");
        assertEquals(List.of("security.capability"), f.overlay.listxattr("cap"));
    }

    @Test
    void remount_sameUpper_showsExactlyTheSameTree() throws IOException {
        f.ns().unlink("dir/nested.txt");
        f.ns().mkdir("dir/new", 0711, USER);
        f.ns().symlink("../hello.txt", "dir/new/l", USER);
        f.ns().mknod("sticky/p", 010640, 0, USER);
        f.ns().rename("link", "link2");
        f.overlay.chmod("hard2", 0444);
        f.overlay.utimens("sticky", 7, 0, 8, 0);
        f.ns().unlink("fifo");
        List<String> before = f.walk();

        f.remount();
        assertEquals(before, f.walk());
        assertTrue(before.stream().anyMatch(l -> l.startsWith("/sticky 41777 ") && l.contains("mtime=8")), before.toString());
        assertTrue(before.stream().noneMatch(l -> l.startsWith("/fifo ") || l.startsWith("/link ")), before.toString());
    }

    /** A change that changes nothing: utimens with UTIME_OMIT for both times, still a copy-up. */
    private void touchNothing(String path) throws IOException {
        long omit = (1L << 30) - 2;
        f.overlay.utimens(path, 0, omit, 0, omit);
    }

    @Test
    void unlinkWhileOpen_libfuseHiddenName_statableUnlistedAndGoneAfterLastClose() throws IOException {
        // What libfuse 2 does when an open file is unlinked: rename it to a hidden name, unlink that at last close.
        HostFs.closeQuietly(f.ns().create("sticky/tmp", 0600, Libc.O_RDWR, USER));
        Files.writeString(f.upper("sticky/tmp"), "12345");
        f.ns().rename("sticky/tmp", "sticky/.fuse_hidden0000000200000001");
        f.ns().rename("hello.txt", ".fuse_hidden0000000300000002");

        assertEquals(5, f.stat("sticky/.fuse_hidden0000000200000001").st_size.longValue());
        assertEquals(12, f.stat(".fuse_hidden0000000300000002").st_size.longValue());
        assertEquals(List.of(), f.list("sticky"));
        assertFalse(f.list("").contains("hello.txt") || f.list("").contains(".fuse_hidden0000000300000002"));
        try (var sticky = Files.list(f.upper("sticky"))) {
            assertEquals(List.of(), sticky.toList()); // unlinked for real: nothing of it can stay in the change set
        }
        assertTrue(Files.exists(f.upper(".wh.hello.txt")));

        f.ns().unlink("sticky/.fuse_hidden0000000200000001");
        f.ns().unlink(".fuse_hidden0000000300000002");
        assertErrno(Errno.ENOENT, () -> f.stat("sticky/.fuse_hidden0000000200000001"));
    }

    @Test
    void crashStates_whiteoutAndEntryBoth_entryShowsWithoutLowerChildren() throws IOException {
        // What a kill between the steps of a create or mkdir over a whiteout leaves: both names in upper/.
        Files.writeString(f.upper("hello.txt"), "new\n");
        Files.createFile(f.upper(".wh.hello.txt"));
        Files.createDirectories(f.upper("dir"));
        Files.createFile(f.upper(".wh.dir"));
        f.remount();

        assertEquals(4, f.stat("hello.txt").st_size.longValue());
        assertEquals(List.of(), f.list("dir")); // the whiteout hides the lower dir/nested.txt
        f.ns().unlink("hello.txt"); // the lower file stays hidden: the whiteout is still there
        assertErrno(Errno.ENOENT, () -> f.overlay.resolve("hello.txt"));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    private static void assertErrno(Errno expected, Action action) {
        ErrnoException e = assertThrows(ErrnoException.class, action::run);
        assertEquals(expected.intValue(), e.errno(), e.getMessage());
    }
}
