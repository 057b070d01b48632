package io.strata.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the external tools of a benchmark (tar, umoci, mount, fuse-overlayfs, ls, the strata jar): stdin from
 * /dev/null, output captured, a bound on time, and a failure that names the command, its exit code and the end
 * of its output, so that a broken run says which step broke.
 */
final class Exec {

    private static final int OUTPUT_TAIL = 2000;

    private Exec() {
    }

    /** Runs {@code command} and returns its standard output; throws unless it exits 0 within {@code timeoutSeconds}. */
    static String run(long timeoutSeconds, List<String> command) throws IOException {
        return run(timeoutSeconds, Map.of(), command);
    }

    /** As {@link #run(long, List)}, with {@code env} added to this process's environment. */
    static String run(long timeoutSeconds, Map<String, String> env, List<String> command) throws IOException {
        Path out = Files.createTempFile("strata-bench-exec-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            int code = waitFor(pb, timeoutSeconds, command);
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (code != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + code + ": " + tail(output));
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs {@code command} with its standard output discarded (a workload such as {@code ls -lR} whose output is
     * not the point) and stderr kept for the error message; throws unless it exits 0.
     */
    static void discardingOutput(long timeoutSeconds, List<String> command) throws IOException {
        Path err = Files.createTempFile("strata-bench-exec-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            pb.environment().put("LC_ALL", "C.UTF-8");
            int code = waitFor(pb, timeoutSeconds, command);
            if (code != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + code + ": "
                        + tail(Files.readString(err, StandardCharsets.UTF_8)));
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Whether {@code name} is an executable on the PATH (or in the sbin directories). */
    static boolean onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static int waitFor(ProcessBuilder pb, long timeoutSeconds, List<String> command) throws IOException {
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s; killed it");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= OUTPUT_TAIL ? trimmed : "..." + trimmed.substring(trimmed.length() - OUTPUT_TAIL);
    }
}
