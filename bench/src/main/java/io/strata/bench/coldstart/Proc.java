package io.strata.bench.coldstart;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command of the benchmark (skopeo, umoci, strata, chroot...) with its output in a file, so that
 * a chatty command never blocks on a full pipe and a failure can show its last lines. Times the command with
 * {@link System#nanoTime()} from just before the start to its exit.
 */
final class Proc {

    /** Output kept in a failure's message. */
    private static final int TAIL_LINES = 20;

    /**
     * How a command ended.
     *
     * @param command the command line
     * @param exitCode its exit status
     * @param output  stdout and stderr, interleaved
     * @param nanos   wall time from start to exit
     */
    record Result(List<String> command, int exitCode, String output, long nanos) {
        boolean ok() {
            return exitCode == 0;
        }

        double seconds() {
            return nanos / 1e9;
        }

        /** This result, or an {@link IOException} naming the command, its status and its last lines. */
        Result orThrow() throws IOException {
            if (!ok()) {
                throw new IOException(String.join(" ", command) + " failed with exit status " + exitCode + ":\n"
                        + tail(output));
            }
            return this;
        }
    }

    private final Path scratch;
    private final Map<String, String> environment;

    /**
     * @param scratch     a directory for the output files
     * @param environment variables added to the inherited environment
     */
    Proc(Path scratch, Map<String, String> environment) {
        this.scratch = scratch;
        this.environment = Map.copyOf(environment);
    }

    /** Runs {@code command}; a command that runs longer than {@code timeout} is killed and fails. */
    Result run(List<String> command, Duration timeout) throws IOException {
        Files.createDirectories(scratch);
        Path out = Files.createTempFile(scratch, "proc-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(environment);
            long t0 = System.nanoTime();
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException("cannot run " + command.get(0) + " (" + e.getMessage() + "); is it installed?"
                        + " scripts/install-deps.sh installs what the benchmark needs", e);
            }
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", command), e);
            }
            long nanos = System.nanoTime() - t0;
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s; killed it. Last lines:\n" + tail(Files.readString(out, StandardCharsets.UTF_8)));
            }
            return new Result(List.copyOf(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), nanos);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs {@code command} and returns its result if it exited 0, else throws with its last lines. */
    Result check(List<String> command, Duration timeout) throws IOException {
        return run(command, timeout).orThrow();
    }

    static List<String> concat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all;
    }

    static String tail(String output) {
        String[] lines = output.strip().split("\n");
        int from = Math.max(0, lines.length - TAIL_LINES);
        return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
