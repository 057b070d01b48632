package io.strata.fs.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands for tests (integration tests, and unit tests that build fixtures) and fails with their output
 * when they fail.
 */
public final class Shell {
    private Shell() {
    }

    /** Runs {@code command} and returns its stdout; throws with stdout+stderr on a non-zero exit. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        var err = new java.io.ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process died; its exit code tells
            }
        });
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        errReader.join();
        String stdout = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("command failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                    + "\nstdout: " + stdout + "\nstderr: " + err.toString(StandardCharsets.UTF_8));
        }
        return stdout;
    }

    public static String run(String... command) throws IOException, InterruptedException {
        return run((Path) null, command);
    }

    public static String bash(String script) throws IOException, InterruptedException {
        return run((Path) null, "bash", "-euo", "pipefail", "-c", script);
    }

    static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
