package io.strata.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A strata mount of the benchmark image, made the way a user makes it: {@code strata mount --no-service} (its own
 * mount process, so that a fresh mount starts with an empty memory tier and nothing else in memory) or, with a
 * resident {@code strata service}, a new mount in the service's JVM (empty memory tier too, JIT-compiled code kept),
 * read-only,
 * without background prefetch (except to fill the cache), over a cache directory of its own. With a profile directory, every mount process
 * records a JFR profile ({@code jcmd PID JFR.start}) until it is unmounted.
 */
final class StrataTarget implements Target {

    private static final String MAIN = "io.strata.fs.cli.Main";
    private static final long MOUNT_TIMEOUT_SECONDS = 1800;

    private final String classPath;
    private final String image;
    private final Path cacheDir;
    private final String cacheMaxSize;
    private final Path mountpoint;
    private final Path profileDir;
    private final boolean service;
    private int mounts;
    private boolean recording;

    /**
     * @param classPath  the strata jar (and optionally the bench jar) to run the command line from
     * @param profileDir where to write one JFR recording per mount, or null for none
     */
    StrataTarget(String classPath, String image, Path cacheDir, String cacheMaxSize, Path mountpoint, Path profileDir,
                 boolean service) {
        this.service = service;
        this.classPath = classPath;
        this.image = image;
        this.cacheDir = cacheDir;
        this.cacheMaxSize = cacheMaxSize;
        this.mountpoint = mountpoint;
        this.profileDir = profileDir;
    }

    @Override
    public String name() {
        return "strata";
    }

    @Override
    public Path root() {
        return mountpoint;
    }

    @Override
    public String coldSource() {
        return service ? "strata's chunk cache on the disk (a new mount in the resident service: empty memory tier)"
                : "strata's chunk cache on the disk (a new mount process: empty memory tier)";
    }

    @Override
    public void remount(String purpose) throws IOException {
        mount("none", purpose);
    }

    /**
     * Mounts with {@code --prefetch all} and waits until the background prefetch has read every file: the fastest
     * way to fill the cache (eStargz members fetched with a few streamed range requests instead of one request per
     * file read).
     *
     * @throws IOException when the prefetch fails or has not ended within {@code timeoutSeconds}
     */
    JsonNode mountAndPrefetchAll(long timeoutSeconds) throws IOException {
        mount("all", "fill");
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            JsonNode status = status();
            String state = status.path("prefetch").path("state").asText();
            if (state.equals("done")) {
                return status;
            }
            if (!state.equals("waiting") && !state.equals("planning") && !state.equals("running")) {
                throw new IOException("the prefetch of the strata mount at " + mountpoint + " ended as '" + state
                        + "': " + status.path("prefetch") + "; see its log " + status.path("logFile").asText());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the prefetch of the strata mount at " + mountpoint + " has not ended within "
                        + timeoutSeconds + " s: " + status.path("prefetch"));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the prefetch of " + mountpoint, e);
            }
        }
    }

    private void mount(String prefetch, String purpose) throws IOException {
        close();
        Files.createDirectories(mountpoint);
        List<String> args = new ArrayList<>(List.of("mount", "--cache-dir", cacheDir.toString(), "--cache-max-size",
                cacheMaxSize, "--prefetch", prefetch, image, mountpoint.toString()));
        if (!service) {
            args.add(1, "--no-service");
        }
        strata(MOUNT_TIMEOUT_SECONDS, args.toArray(String[]::new));
        mounts++;
        if (profileDir != null) {
            Files.createDirectories(profileDir);
            // Every file read, not only those over the profile's 10 ms: the chunk reads are the point.
            Exec.run(60, List.of(jdkTool("jcmd"), Long.toString(pid()), "JFR.start", "name=strata-bench",
                    "settings=profile", "jdk.FileRead#threshold=0ms", "filename="
                            + profileDir.resolve(String.format(Locale.ROOT, "strata-%02d-%s.jfr", mounts, purpose))));
            recording = true;
        }
    }

    /** {@code strata status --json} of the mount. */
    JsonNode status() throws IOException {
        return new ObjectMapper().readTree(strata(60, "status", "--json", mountpoint.toString()));
    }

    /** The pid of the mount process. */
    long pid() throws IOException {
        long pid = status().path("pid").asLong(-1);
        if (pid <= 0) {
            throw new IOException("strata status of " + mountpoint + " names no mount process pid");
        }
        return pid;
    }

    @Override
    public void close() throws IOException {
        if (!Target.isMounted(mountpoint)) {
            return;
        }
        if (recording) {
            recording = false;
            Exec.run(60, List.of(jdkTool("jcmd"), Long.toString(pid()), "JFR.stop", "name=strata-bench"));
        }
        try {
            strata(120, "umount", mountpoint.toString());
        } finally {
            if (Target.isMounted(mountpoint)) {
                Exec.run(60, List.of("umount", "-l", mountpoint.toString()));
            }
        }
    }

    /** {@code strata service start}: from now on, mounts without {@code --no-service} are served by it. */
    static void startService(String classPath) throws IOException {
        run(classPath, 300, "service", "start");
    }

    /** {@code strata service stop} (unmounts what it still serves). */
    static void stopService(String classPath) throws IOException {
        run(classPath, 300, "service", "stop");
    }

    private String strata(long timeoutSeconds, String... args) throws IOException {
        return run(classPath, timeoutSeconds, args);
    }

    private static String run(String classPath, long timeoutSeconds, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(jdkTool("java"), "-cp", classPath, MAIN));
        cmd.addAll(List.of(args));
        return Exec.run(timeoutSeconds, Map.of("LC_ALL", "C.UTF-8"), cmd);
    }

    /** A tool of the JDK this benchmark runs on ({@code java}, {@code jcmd}). */
    static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
