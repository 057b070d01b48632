package io.strata.fs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fs.fuse.StrataFs;
import io.strata.fs.fuse.TestTree;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount point checks, dead mounts, and the detached mount process with its control socket, against real FUSE. */
class FuseMountIT {

    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path mnt;
    private final List<FuseMount> mounts = new ArrayList<>();
    private final List<Long> children = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        System.setProperty(RuntimeDir.PROPERTY, tmp.resolve("run").toString());
        mnt = Files.createDirectory(tmp.resolve("mnt"));
    }

    @AfterEach
    void tearDown() {
        mounts.forEach(FuseMount::close);
        for (long pid : children) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        // whatever a failed test left behind (a live or dead mount) must not outlive it
        if (MountTable.at(Mountpoints.canonical(mnt)).isPresent() || Mountpoints.state(Mountpoints.canonical(mnt))
                == Mountpoints.State.DEAD) {
            Commands.run(List.of("umount", "-l", Mountpoints.canonical(mnt).toString()));
        }
        System.clearProperty(RuntimeDir.PROPERTY);
    }

    @Test
    void mount_missingMountpoint_saysMkdir() {
        Path missing = Mountpoints.canonical(tmp.resolve("nope"));
        MountException e = assertThrows(MountException.class, () -> mountHere(missing));
        assertEquals("mountpoint " + missing + " does not exist: create it with mkdir -p " + missing, e.getMessage());
    }

    @Test
    void mount_regularFile_saysNotADirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        MountException e = assertThrows(MountException.class, () -> mountHere(file));
        assertTrue(e.getMessage().endsWith("is not a directory"), e.getMessage());
    }

    @Test
    void mount_nonEmptyDirectory_saysNotEmpty() throws IOException {
        Files.writeString(mnt.resolve("file"), "x");
        MountException e = assertThrows(MountException.class, () -> mountHere(mnt));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    }

    @Test
    void mount_busyMountpoint_saysAlreadyMounted() throws IOException {
        mounts.add(mountHere(mnt));
        MountException e = assertThrows(MountException.class, () -> mountHere(mnt));
        Path canonical = Mountpoints.canonical(mnt);
        assertEquals(canonical + " is already a mount point (strata umount " + canonical + " or umount " + canonical
                + ")", e.getMessage());
    }

    @Test
    void unmount_mounted_endsLoopAndFreesMountpoint() throws IOException, InterruptedException {
        FuseMount mount = mountHere(mnt);
        mounts.add(mount);
        assertEquals("hello world\n", Files.readString(mnt.resolve("hello.txt")));
        mount.unmount();
        assertFalse(mount.isMounted());
        assertEquals(Mountpoints.State.FREE, Mountpoints.state(mount.mountpoint()));
        mount.unmount(); // idempotent
    }

    @Test
    void mount_deadMountOfKilledProcess_isCleanedAndMountsAgain() throws Exception {
        MountDaemon.Spawned child = spawn("img:dead");
        ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(child.pid()).ifPresent(p -> p.onExit().join());
        FileSystemException dead = assertThrows(FileSystemException.class, () -> Files.list(mnt).close());
        assertTrue(String.valueOf(dead.getReason()).contains("Transport endpoint is not connected"), dead.toString());
        MountException status = assertThrows(MountException.class, () -> MountControl.status(mnt));
        assertTrue(status.getMessage().contains("dead FUSE mount"), status.getMessage());

        mounts.add(mountHere(mnt));
        assertEquals("hello world\n", Files.readString(mnt.resolve("hello.txt")));
    }

    @Test
    void unmount_deadMountOfKilledProcess_cleansIt() throws Exception {
        MountDaemon.Spawned child = spawn("img:dead");
        ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
        ProcessHandle.of(child.pid()).ifPresent(p -> p.onExit().join());
        assertEquals(Mountpoints.State.DEAD, Mountpoints.state(Mountpoints.canonical(mnt)));

        assertTrue(MountControl.unmount(mnt).startsWith("cleaned the dead mount at "));
        assertEquals(Mountpoints.State.FREE, Mountpoints.state(Mountpoints.canonical(mnt)));
    }

    @Test
    void daemon_spawnStatusUmount_roundTrip() throws Exception {
        MountDaemon.Spawned child = spawn("registry.local/app:1");
        assertEquals("hello world\n", Files.readString(mnt.resolve("hello.txt")));
        RuntimeDir runtime = RuntimeDir.forMountpoint(mnt);
        assertTrue(Files.exists(runtime.controlSocket()));
        assertTrue(Files.exists(runtime.mountJson()));

        String status = MountControl.status(mnt);
        assertTrue(status.contains("\"pid\" : " + child.pid()), status);
        assertTrue(status.contains("\"image\" : \"registry.local/app:1\""), status);
        assertTrue(status.contains("\"logFile\" : \"" + child.logFile() + "\""), status);
        assertTrue(status.contains("\"digest\" : \"sha256:00\""), status);
        assertTrue(status.contains("\"uptimeSeconds\""), status);

        assertEquals("unmounted " + runtime.mountpoint(), MountControl.unmount(mnt));
        ProcessHandle process = ProcessHandle.of(child.pid()).orElse(null);
        assertTrue(process == null || !process.isAlive());
        assertEquals(Mountpoints.State.FREE, Mountpoints.state(runtime.mountpoint()));
        assertFalse(Files.exists(runtime.dir()), "runtime dir removed on exit");
    }

    @Test
    void daemon_sigterm_unmountsAndRemovesRuntimeDir() throws Exception {
        MountDaemon.Spawned child = spawn("img:term");
        ProcessHandle process = ProcessHandle.of(child.pid()).orElseThrow();
        process.destroy(); // SIGTERM
        process.onExit().get(15, TimeUnit.SECONDS);
        assertEquals(Mountpoints.State.FREE, Mountpoints.state(Mountpoints.canonical(mnt)));
        assertFalse(Files.exists(RuntimeDir.forMountpoint(mnt).dir()));
    }

    @Test
    void daemon_childReportsError_reasonReachesParent() throws IOException {
        Files.writeString(mnt.resolve("file"), "x");
        MountException e = assertThrows(MountException.class, () -> spawn("img:fail"));
        assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
    }

    @Test
    void daemon_childExitsEarly_reportsExitCodeAndLog() {
        MountException e = assertThrows(MountException.class,
                () -> MountDaemon.spawnAndWait(List.of("sh", "-c", "echo boom from child; exit 3"), mnt, READY));
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom from child"), e.getMessage());
    }

    @Test
    void daemon_missingMountpoint_failsBeforeSpawning() {
        Path missing = Mountpoints.canonical(tmp.resolve("nope"));
        MountException e = assertThrows(MountException.class,
                () -> MountDaemon.spawnAndWait(List.of("sh", "-c", "exit 0"), missing, READY));
        assertTrue(e.getMessage().contains("create it with mkdir -p " + missing), e.getMessage());
    }

    @Test
    void unmount_nothingMounted_saysSo() {
        MountException e = assertThrows(MountException.class, () -> MountControl.unmount(mnt));
        assertEquals("nothing is mounted at " + Mountpoints.canonical(mnt), e.getMessage());
        MountException s = assertThrows(MountException.class, () -> MountControl.status(mnt));
        assertEquals("nothing is mounted at " + Mountpoints.canonical(mnt), s.getMessage());
    }

    private FuseMount mountHere(Path dir) throws MountException {
        TestTree tree = new TestTree();
        return FuseMount.mount(StrataFs.create(tree, tree.reader()), dir, MountOptions.defaults());
    }

    private MountDaemon.Spawned spawn(String image) throws MountException {
        MountDaemon.Spawned child = MountDaemon.spawnAndWait(
                MountDaemon.javaCommand(TestMountMain.class.getName(), List.of(mnt.toString(), image)), mnt, READY);
        children.add(child.pid());
        return child;
    }
}
