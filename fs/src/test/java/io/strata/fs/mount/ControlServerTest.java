package io.strata.fs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control protocol over a real Unix socket, with a fake unmount (no FUSE). */
class ControlServerTest {

    @TempDir
    Path tmp;

    private Path mnt;
    private RuntimeDir runtime;
    private MountInfo info;

    @BeforeEach
    void setUp() throws IOException {
        System.setProperty(RuntimeDir.PROPERTY, tmp.resolve("run").toString());
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        runtime = RuntimeDir.forMountpoint(mnt);
        info = new MountInfo(ProcessHandle.current().pid(), "img:1", runtime.mountpoint().toString(), null,
                System.currentTimeMillis(), null);
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(RuntimeDir.PROPERTY);
    }

    @Test
    void status_objectFromSupplier_mergedWithProcessFields() throws IOException {
        ControlServer server = ControlServer.start(runtime, info, () -> "{\"layers\":[{\"digest\":\"sha256:ab\"}]}",
                () -> null);
        try {
            String status = MountControl.status(mnt);
            assertTrue(status.contains("\"image\" : \"img:1\""), status);
            assertTrue(status.contains("\"digest\" : \"sha256:ab\""), status);
            assertFalse(status.contains("logFile"), status);
        } finally {
            server.close();
        }
        assertFalse(Files.exists(runtime.dir()), "close removes the runtime dir");
    }

    @Test
    void unmount_served_runsCallbackOnce() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        ControlServer server = ControlServer.start(runtime, info, () -> "{}", () -> {
            calls.incrementAndGet();
            return null;
        });
        try {
            assertEquals("unmounted " + runtime.mountpoint(), MountControl.unmount(mnt));
            assertEquals(1, calls.get());
        } finally {
            server.close();
        }
    }

    @Test
    void unmount_callbackFails_errorReachesClient() throws IOException {
        ControlServer server = ControlServer.start(runtime, info, () -> "{}", () -> {
            throw new MountException("files are busy");
        });
        try {
            MountException e = assertThrows(MountException.class, () -> MountControl.unmount(mnt));
            assertTrue(e.getMessage().endsWith("failed: files are busy"), e.getMessage());
        } finally {
            server.close();
        }
    }

    @Test
    void start_secondServerForSameMountpoint_refused() throws IOException {
        ControlServer server = ControlServer.start(runtime, info, () -> "{}", () -> null);
        try {
            MountException e = assertThrows(MountException.class,
                    () -> ControlServer.start(runtime, info, () -> "{}", () -> null));
            assertTrue(e.getMessage().contains("already serves"), e.getMessage());
        } finally {
            server.close();
        }
    }

    @Test
    void start_staleSocketOfKilledProcess_replaced() throws IOException {
        runtime.create();
        Files.writeString(runtime.controlSocket(), "stale");
        ControlServer server = ControlServer.start(runtime, info, () -> "{}", () -> null);
        try {
            assertTrue(MountControl.status(mnt).contains("img:1"));
        } finally {
            server.close();
        }
    }
}
