package io.strata.fs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fs.mount.FuseMount;
import io.strata.fs.mount.MountOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real FUSE mount of {@link TestTree}, read with the JDK and with the tools users run (stat, getfattr, df). */
class StrataFsIT {

    @TempDir
    Path tmp;

    private Path mnt;
    private FuseMount mount;
    private final TestTree tree = new TestTree();

    @BeforeEach
    void mount() throws IOException {
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        mount = FuseMount.mount(StrataFs.create(tree, tree.reader()), mnt, MountOptions.defaults());
    }

    @AfterEach
    void unmount() {
        if (mount != null) {
            mount.close();
        }
    }

    @Test
    void readdir_root_listsMergedChildren() throws IOException {
        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(List.of("big.bin", "broken.bin", "cap", "dir", "fifo", "hard1", "hard2", "hello.txt", "link",
                    "sticky", "suid", "tty"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("nested\n", Files.readString(mnt.resolve("dir/nested.txt")));
    }

    @Test
    void read_wholeFile_returnsContent() throws IOException {
        assertEquals("hello world\n", Files.readString(mnt.resolve("hello.txt")));
        assertEquals("linked\n", Files.readString(mnt.resolve("hard2")));
    }

    @Test
    void read_bigFileAcross128KiBRequests_matchesEveryByte() throws IOException {
        byte[] all = Files.readAllBytes(mnt.resolve("big.bin"));
        assertEquals(TestTree.BIG_SIZE, all.length);
        for (int i = 0; i < all.length; i++) {
            if (all[i] != TestTree.bigByte(i)) {
                throw new AssertionError("byte " + i + " differs");
            }
        }
    }

    @Test
    void read_randomOffsets_matchPattern() throws IOException {
        Random random = new Random(42);
        try (RandomAccessFile file = new RandomAccessFile(mnt.resolve("big.bin").toFile(), "r")) {
            for (int round = 0; round < 50; round++) {
                int offset = random.nextInt(TestTree.BIG_SIZE);
                int n = Math.min(1 + random.nextInt(300_000), TestTree.BIG_SIZE - offset);
                byte[] buf = new byte[n];
                file.seek(offset);
                file.readFully(buf);
                for (int i = 0; i < n; i++) {
                    assertEquals(TestTree.bigByte(offset + i), buf[i], "byte at " + (offset + i));
                }
            }
            file.seek(TestTree.BIG_SIZE);
            assertEquals(-1, file.read());
        }
    }

    @Test
    void requests_manyConcurrentOpens_servedByLongLivedJavaWorkers() throws Exception {
        String name = mount.mountpoint().toString();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        long[] workers = new long[2];
        try {
            for (int burst = 0; burst < 2; burst++) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    done.add(clients.submit(() -> {
                        for (int i = 0; i < 300; i++) { // every open(2) and close(2) is a FUSE request
                            try (var in = Files.newInputStream(mnt.resolve("hello.txt"))) {
                                assertEquals('h', in.read());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                workers[burst] = WorkerLoop.extraWorkers(name);
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(workers[0] >= 1 && workers[0] < WorkerLoop.MAX_WORKERS,
                "8 concurrent clients were served by " + workers[0] + " extra Java workers");
        assertTrue(workers[1] <= workers[0] + 4, "the second burst of 4 800 requests started workers again: "
                + workers[0] + " -> " + workers[1] + " (they should live as long as the mount)");
    }

    @Test
    void readlink_symlink_returnsTarget() throws IOException {
        assertEquals(Path.of("hello.txt"), Files.readSymbolicLink(mnt.resolve("link")));
        assertEquals(9L, Files.readAttributes(mnt.resolve("link"), "unix:size", LinkOption.NOFOLLOW_LINKS).get("size"));
        assertEquals("hello world\n", Files.readString(mnt.resolve("link")));
    }

    @Test
    void getattr_specialFiles_haveTypeAndDeviceNumbers() throws Exception {
        // %t/%T: major and minor of a device in hex (64 = 0x40)
        assertEquals("character special file 4 40 620", run("stat", "-c", "%F %t %T %a", mnt.resolve("tty").toString()));
        assertEquals("fifo", run("stat", "-c", "%F", mnt.resolve("fifo").toString()));
    }

    @Test
    void getattr_modesOwnersAndTimes_asInTheEntry() throws IOException {
        assertEquals(04755, mode("suid") & 07777);
        assertEquals(01777, mode("sticky") & 07777);
        assertEquals(0100644, mode("hello.txt"));
        Path hello = mnt.resolve("hello.txt");
        assertEquals(1000, Files.getAttribute(hello, "unix:uid"));
        assertEquals(1001, Files.getAttribute(hello, "unix:gid"));
        FileTime mtime = Files.getLastModifiedTime(hello);
        assertEquals(TestTree.HELLO_MTIME * 1_000_000_000L + TestTree.HELLO_NANOS, mtime.to(TimeUnit.NANOSECONDS));
    }

    @Test
    void getattr_hardlinkedPaths_shareInodeWithNlink2() throws IOException {
        Object ino1 = Files.getAttribute(mnt.resolve("hard1"), "unix:ino");
        assertEquals(ino1, Files.getAttribute(mnt.resolve("hard2"), "unix:ino"));
        assertNotEquals(ino1, Files.getAttribute(mnt.resolve("hello.txt"), "unix:ino"));
        assertEquals(2, Files.getAttribute(mnt.resolve("hard1"), "unix:nlink"));
    }

    @Test
    void getxattr_binaryCapability_readIntact() throws Exception {
        String out = run("getfattr", "-d", "-m", "-", "-e", "hex", mnt.resolve("cap").toString());
        assertTrue(out.contains("security.capability=0x" + java.util.HexFormat.of().formatHex(TestTree.CAPABILITY)), out);
        assertTrue(out.contains("user.note=0x6869"), out);
        String missing = runAllowFail("getfattr", "-n", "user.missing", mnt.resolve("cap").toString());
        assertTrue(missing.contains("No such attribute"), missing);
    }

    @Test
    void write_anything_failsReadOnly() throws Exception {
        Path hello = mnt.resolve("hello.txt");
        FileSystemException write = assertThrows(FileSystemException.class, () -> Files.writeString(hello, "x"));
        assertTrue(String.valueOf(write.getReason()).contains("Read-only file system"), write.toString());
        assertThrows(FileSystemException.class, () -> Files.createDirectory(mnt.resolve("newdir")));
        IOException rw = assertThrows(IOException.class, () -> new RandomAccessFile(hello.toFile(), "rw").close());
        assertTrue(rw.getMessage().contains("Read-only file system"), rw.toString());
        String touch = runAllowFail("touch", mnt.resolve("new").toString());
        assertTrue(touch.contains("Read-only file system"), touch);
        assertEquals("hello world\n", Files.readString(hello));
    }

    @Test
    void statfs_df_reportsSizeAndNodes() throws Exception {
        // regular files 12 + 1048576 + 7 + 12 + 4096 + 7 (nested), symlink 9: 1052719 bytes = 258 blocks of 4 KiB
        assertEquals("4096 258 " + tree.nodeCount(), run("stat", "-f", "-c", "%S %b %c", mnt.toString()));
        assertTrue(run("df", mnt.toString()).contains("strata"));
    }

    @Test
    void read_contentReaderFails_eioAndMountSurvives() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve("broken.bin")));
        assertTrue(e.getMessage().contains("Input/output error"), e.toString());
        assertEquals("hello world\n", Files.readString(mnt.resolve("hello.txt")));
    }

    @Test
    void mount_allowOther_otherUserReadsAndKernelChecksModes() throws Exception {
        mount.close();
        mount = FuseMount.mount(StrataFs.create(tree, tree.reader()), mnt, MountOptions.defaults().withAllowOther(true));
        // nobody must reach the mount point through the private @TempDir
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals("hello world", run("runuser", "-u", "nobody", "--", "cat", mnt.resolve("hello.txt").toString()));
        String denied = runAllowFail("runuser", "-u", "nobody", "--", "ls", mnt.resolve("dir").toString());
        assertTrue(denied.contains("Permission denied"), denied);
    }

    private int mode(String name) throws IOException {
        return (Integer) Files.getAttribute(mnt.resolve(name), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    /** Runs a command that must succeed; returns its trimmed output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** Runs a command that must fail; returns its output. */
    static String runAllowFail(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), String.join(" ", command) + " succeeded: " + out);
        return out;
    }

}
