package io.strata.fs.it;

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

    static List<String> command(String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests with `mvn verify` (package builds it)");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
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
