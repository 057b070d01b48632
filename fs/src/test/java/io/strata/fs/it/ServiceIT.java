package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident service end to end with the real jar: {@code strata mount} is served by the running service (same
 * process, relative paths resolved against the caller's directory), {@code status}/{@code umount} work on such
 * mounts, a caller with another cache environment gets a process of its own, errors reach the caller, and
 * {@code service stop} unmounts what the service serves. Each test has a private runtime directory, so no service
 * of the machine's user is touched.
 */
class ServiceIT {

    private static final Pattern SERVICE_PID = Pattern.compile("strata service pid (\\d+)");

    @TempDir
    Path work;

    private Map<String, String> env;
    private Path mnt;

    /*
     * An OCI layout in WORK/layout, tag v1:
     *   hello.txt  "hello from the service\n"
     */
    @BeforeEach
    void startService() throws Exception {
        env = Map.of("STRATA_RUNTIME_DIR", work.resolve("run").toString(),
                "STRATA_CACHE_DIR", work.resolve("cache").toString());
        Path tar = LayerTar.make(work, "hello", "pax", "echo 'hello from the service' > hello.txt");
        TestLayout layout = new TestLayout(work.resolve("layout"));
        layout.addLayer(tar, TestLayout.Compression.GZIP);
        layout.finish("v1");
        mnt = Files.createDirectories(work.resolve("mnt"));
        StrataCli.Result started = strata("service", "start");
        assertEquals(0, started.exitCode(), started.output());
        assertTrue(started.output().contains("started the strata service"), started.output());
    }

    @AfterEach
    void stopService() {
        try {
            strata("service", "stop");
        } catch (Exception ignored) {
            // the assertions below already failed; clean up what we can
        }
        StrataCli.umountQuietly(mnt);
    }

    @Test
    void mount_serviceRuns_servedByServiceWithRelativePaths() throws Exception {
        StrataCli.Result mounted = strata("mount", "oci:layout:v1", "mnt");
        assertEquals(0, mounted.exitCode(), mounted.output());
        long servicePid = servicePid(mounted.output());

        assertEquals("hello from the service\n", Files.readString(mnt.resolve("hello.txt")));
        String status = strata("status", "--json", "mnt").output();
        assertEquals(servicePid, new ObjectMapper().readTree(status).path("pid").asLong(), status);
        String service = strata("service", "status").output();
        assertTrue(service.contains("mounts: 1") && service.contains(mnt.toRealPath().toString()), service);

        StrataCli.Result unmounted = strata("umount", "mnt");
        assertEquals(0, unmounted.exitCode(), unmounted.output());
        assertFalse(mounted(mnt), "unmounted");
        StrataCli.Result after = strata("service", "status");
        assertEquals(0, after.exitCode(), "the service outlives its mounts: " + after.output());
        assertTrue(after.output().contains("mounts: 0"), after.output());
    }

    @Test
    void mount_otherCacheEnvironment_mountsInProcessOfItsOwn() throws Exception {
        String servicePid = strata("service", "status").output().replaceAll("(?s).*pid (\\d+).*", "$1");
        Map<String, String> other = Map.of("STRATA_RUNTIME_DIR", env.get("STRATA_RUNTIME_DIR"),
                "STRATA_CACHE_DIR", work.resolve("other-cache").toString());
        StrataCli.Result mounted = StrataCli.exec(work, other, "mount", "oci:layout:v1", "mnt");
        assertEquals(0, mounted.exitCode(), mounted.output());
        assertFalse(mounted.output().contains("strata service pid"), mounted.output());
        assertTrue(mounted.output().contains("(pid "), mounted.output());
        assertFalse(mounted.output().contains("(pid " + servicePid + ","), mounted.output());
        assertEquals("hello from the service\n", Files.readString(mnt.resolve("hello.txt")));
        assertTrue(Files.isDirectory(work.resolve("other-cache")), "the caller's cache was used");
    }

    @Test
    void mount_missingMountpoint_errorReachesCaller() throws Exception {
        StrataCli.Result failed = strata("mount", "oci:layout:v1", "nope");
        assertEquals(2, failed.exitCode(), failed.output());
        assertTrue(failed.output().contains("mountpoint " + work.toRealPath().resolve("nope") + " does not exist"),
                failed.output());
        StrataCli.Result badImage = strata("mount", "oci:layout:missing-tag", "mnt");
        assertEquals(2, badImage.exitCode(), badImage.output());
        assertTrue(badImage.output().contains("missing-tag"), badImage.output());
        assertFalse(mounted(mnt));
    }

    @Test
    void stop_withMounts_unmountsThemAndExits() throws Exception {
        StrataCli.Result mounted = strata("mount", "oci:layout:v1", "mnt");
        assertEquals(0, mounted.exitCode(), mounted.output());
        long servicePid = servicePid(mounted.output());
        StrataCli.Result again = strata("service", "start");
        assertTrue(again.output().contains("already runs"), again.output());

        StrataCli.Result stopped = strata("service", "stop");
        assertEquals(0, stopped.exitCode(), stopped.output());
        assertTrue(stopped.output().contains("unmounted " + mnt.toRealPath()), stopped.output());
        assertFalse(mounted(mnt));
        ProcessHandle.of(servicePid).ifPresent(p -> p.onExit().join());
        assertEquals(3, strata("service", "status").exitCode());
    }

    private StrataCli.Result strata(String... args) throws Exception {
        return StrataCli.exec(work, env, args);
    }

    private static long servicePid(String output) {
        Matcher m = SERVICE_PID.matcher(output);
        assertTrue(m.find(), "served by the service: " + output);
        long pid = Long.parseLong(m.group(1));
        assertNotEquals(ProcessHandle.current().pid(), pid);
        return pid;
    }

    private static boolean mounted(Path dir) throws Exception {
        return Files.readString(Path.of("/proc/mounts")).contains(" " + dir.toRealPath() + " ");
    }
}
