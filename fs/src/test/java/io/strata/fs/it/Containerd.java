package io.strata.fs.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private containerd for integration tests (Debian package {@code containerd}), driven with {@code ctr-remote}
 * (package {@code stargz-snapshotter}): its own root, state and sockets in a fresh temp directory, never the host's
 * {@code /run/containerd}, no systemd. Plugins the tests do not use (CRI, exotic snapshotters, tracing) are
 * disabled, so it answers within a fraction of a second. {@link #close()} kills it and whatever it started (shims),
 * unmounts what it left mounted and deletes the directory; a JVM shutdown hook does the same as a safety net.
 */
final class Containerd implements AutoCloseable {

    private static final long STARTUP_TIMEOUT_MS = 20_000;

    private final Path dir;
    private final Path socket;
    private final Process process;
    private final Thread shutdownHook;

    private Containerd(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("containerd.sock");
        this.process = process;
        this.shutdownHook = new Thread(this::stop, "containerd-reaper");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts containerd and waits until {@code ctr-remote version} gets an answer. */
    static Containerd start() throws IOException, InterruptedException {
        for (String tool : List.of("containerd", "ctr-remote")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool))) {
                throw new IllegalStateException("/usr/bin/" + tool + " is missing: run scripts/install-deps.sh"
                        + " (apt-get install containerd stargz-snapshotter)");
            }
        }
        // Under /tmp, not a deep @TempDir: a Unix socket path must stay under 108 bytes.
        Path dir = Files.createTempDirectory("strata-containerd-");
        Path config = dir.resolve("config.toml");
        Files.writeString(config, String.join("\n",
                "version = 2",
                "root = \"" + dir.resolve("root") + "\"",
                "state = \"" + dir.resolve("state") + "\"",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\", \"io.containerd.snapshotter.v1.btrfs\",",
                "  \"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.devmapper\",",
                "  \"io.containerd.snapshotter.v1.aufs\", \"io.containerd.internal.v1.opt\",",
                "  \"io.containerd.tracing.processor.v1.otlp\", \"io.containerd.internal.v1.tracing\"]",
                "[grpc]",
                "  address = \"" + dir.resolve("containerd.sock") + "\"",
                "[ttrpc]",
                "  address = \"" + dir.resolve("containerd.sock.ttrpc") + "\"",
                ""), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("containerd", "--config", config.toString(), "--log-level", "warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd c = new Containerd(dir, p);
        try {
            c.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Runs {@code ctr-remote --address <this containerd> args...} and returns its stdout. */
    String ctr(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ctr-remote", "--address", socket.toString()));
        cmd.addAll(List.of(args));
        try {
            return Shell.run(cmd.toArray(String[]::new));
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\ncontainerd log:\n" + logTail(), e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("containerd exited with " + process.exitValue() + " at startup:\n" + logTail());
            }
            if (Files.exists(socket)) {
                Process probe = new ProcessBuilder("ctr-remote", "--address", socket.toString(), "version")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return;
                }
                probe.destroyForcibly();
            }
            Thread.sleep(50);
        }
        throw new IOException("containerd did not answer on " + socket + " within " + STARTUP_TIMEOUT_MS + " ms:\n"
                + logTail());
    }

    /** Kills containerd, then the shims it started, unmounts what they left and deletes the directory. */
    private synchronized void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // A shim outlives containerd by design (containers survive daemon restarts); ours are found by the unique
        // socket address they were started with, and killed by pid.
        ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
            for (int i = mounts.size() - 1; i >= 0; i--) { // the innermost mount first
                String target = mounts.get(i).split(" ")[1];
                if (target.startsWith(dir.toString())) {
                    new ProcessBuilder("umount", "-l", target).start().waitFor(5, TimeUnit.SECONDS);
                }
            }
            // --one-file-system: whatever could not be unmounted is left alone, not emptied.
            new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("containerd cleanup: cannot remove " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("containerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
