package io.strata.fs.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real {@code strata} command line (the shaded jar the build just packaged) the way a user does:
 * {@code mount} spawns its daemon and returns once the mount answers.
 */
final class StrataCli {
    static final Path JAR = Path.of("target", "strata.jar").toAbsolutePath();

    private StrataCli() {
    }

    /**
     * The command line running the jar with {@code args}. A {@code mount} gets {@code --no-service}: a strata service
     * that the machine's user runs must not serve the tests' mounts (ServiceIT runs its own, in a private runtime
     * directory, through {@link #exec(Path, java.util.Map, String...)}).
     */
    static List<String> command(String... args) {
        List<String> isolated = new ArrayList<>(List.of(args));
        if (!isolated.isEmpty() && isolated.get(0).equals("mount")) {
            isolated.add(1, "--no-service");
        }
        return jarCommand(isolated);
    }

    private static List<String> jarCommand(List<String> args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests with `mvn verify` (package builds it)");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(args);
        return cmd;
    }

    /** Runs strata and returns stdout; throws with its output when it exits non-zero. */
    static String run(String... args) throws IOException, InterruptedException {
        return Shell.run(command(args).toArray(String[]::new));
    }

    /** Runs strata with extra environment variables and returns stdout; throws with its output when it exits non-zero. */
    static String runWithEnv(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(command(args));
        return Shell.run(cmd.toArray(String[]::new));
    }

    /** Runs strata and returns its exit code and combined output. */
    static Result exec(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /**
     * Runs strata in {@code dir} with {@code env} added to this JVM's environment; returns its exit code and combined
     * output.
     */
    static Result exec(Path dir, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(jarCommand(List.of(args))).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    /** {@code strata status --json} of the mount at {@code mountpoint}. */
    static JsonNode status(Path mountpoint) throws IOException, InterruptedException {
        return new ObjectMapper().readTree(run("status", "--json", mountpoint.toString()));
    }

    /** Polls the mount's status (up to 15 s) until its background prefetch has ended; fails unless it is done. */
    static JsonNode awaitPrefetchDone(Path mountpoint) throws IOException, InterruptedException {
        JsonNode status = null;
        for (int i = 0; i < 150; i++) {
            status = status(mountpoint);
            String state = status.path("prefetch").path("state").asText();
            if (!state.equals("waiting") && !state.equals("planning") && !state.equals("running")) {
                break;
            }
            Thread.sleep(100);
        }
        if (!status.path("prefetch").path("state").asText().equals("done")) {
            throw new AssertionError("the prefetch of " + mountpoint + " did not end as done: " + status);
        }
        return status;
    }

    /** Unmounts quietly (for cleanup paths). */
    static void umountQuietly(Path mountpoint) {
        try {
            exec("umount", mountpoint.toString());
        } catch (Exception ignored) {
            // best effort; a lazy unmount below catches the rest
        }
        try {
            if (Files.readString(Path.of("/proc/mounts")).contains(" " + mountpoint + " ")) {
                new ProcessBuilder("umount", "-l", mountpoint.toString()).start().waitFor();
            }
        } catch (Exception ignored) {
            // nothing more we can do
        }
    }

    record Result(int exitCode, String output) {
    }
}
