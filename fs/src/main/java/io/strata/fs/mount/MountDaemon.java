package io.strata.fs.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a mount process detached from the terminal and waits until its mount answers, so that
 * {@code strata mount IMAGE DIR} returns only when DIR is usable, or fails with the reason.
 *
 * <p>Mechanism: the parent creates the log and a fresh "ready file" path and passes both to the child in the
 * environment; the child runs in the foreground under {@code setsid} (its own session: no terminal, no signals
 * from the parent's Ctrl-C), stdout/stderr to the log. When its mount answers, the child calls
 * {@link #notifyReady()}, which atomically writes {@code READY} to the ready file; on failure
 * {@link #notifyFailed(String)} writes {@code ERROR reason}. The parent polls that file and the child's liveness:
 * a child that exits first is a failure reported with the tail of its log. A file, not a pipe, so the parent can
 * exit without leaving the child a broken pipe.
 */
public final class MountDaemon {

    /** Environment variable naming the file a spawned mount process reports readiness to. */
    public static final String READY_FILE_ENV = "STRATA_READY_FILE";
    /** Environment variable naming the spawned mount process's log file. */
    public static final String LOG_FILE_ENV = "STRATA_LOG_FILE";

    private static final Duration POLL = Duration.ofMillis(50);
    private static final int LOG_TAIL_LINES = 15;

    /** A started, ready mount process. */
    public record Spawned(long pid, Path logFile) {
    }

    private MountDaemon() {
    }

    /**
     * The command that runs {@code mainClass} with {@code args} in a new JVM like this one (same java binary and
     * class path, UTF-8 file names).
     */
    public static List<String> javaCommand(String mainClass, List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8"));
        cmd.addAll(ClassDataArchive.jvmOptions(System.getProperty("java.class.path")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code command} (which must end up calling {@link #notifyReady()} or {@link #notifyFailed(String)}, e.g.
     * {@code strata mount --foreground ...}) detached, and waits until it reports ready.
     *
     * @return the child's pid and log file
     * @throws MountException when the mount point cannot be used, the child reports an error, exits, or is not
     *                        ready within {@code timeout}; the message carries the reason and the log's last lines
     */
    public static Spawned spawnAndWait(List<String> command, Path mountpoint, Duration timeout) throws MountException {
        RuntimeDir runtime = RuntimeDir.forMountpoint(mountpoint);
        precheck(runtime.mountpoint());
        try {
            runtime.create();
        } catch (IOException e) {
            throw new MountException("cannot create the runtime directory " + runtime.dir() + ": " + e.getMessage(), e);
        }
        return spawnAndWait(command, runtime.logFile(), runtime.newReadyFile(),
                "the mount at " + runtime.mountpoint(), timeout);
    }

    /**
     * Runs {@code command} detached (own session, stdout/stderr to {@code log}) and waits until it reports ready
     * through {@code ready} ({@link #notifyReady()}), fails, exits or outlives {@code timeout}.
     *
     * @param what what the process serves, for messages ("the mount at /mnt", "the strata service")
     */
    public static Spawned spawnAndWait(List<String> command, Path log, Path ready, String what, Duration timeout)
            throws MountException {
        Process child;
        try {
            Files.deleteIfExists(ready);
            List<String> cmd = new ArrayList<>();
            if (Commands.which("setsid") != null) {
                cmd.addAll(List.of("setsid", "--wait")); // --wait: same exit code and pid if setsid must fork
            }
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put(READY_FILE_ENV, ready.toString());
            env.put(LOG_FILE_ENV, log.toString());
            env.put(RuntimeDir.ENV, RuntimeDir.base().toString());
            child = pb.start();
        } catch (IOException e) {
            throw new MountException("cannot start the process " + command + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Optional<String> status = readStatus(ready);
                if (status.isPresent()) {
                    Files.deleteIfExists(ready);
                    if (status.get().equals("READY")) {
                        return new Spawned(child.pid(), log);
                    }
                    String reason = status.get().startsWith("ERROR ") ? status.get().substring(6) : status.get();
                    throw new MountException("starting " + what + " failed: " + reason + " (log: " + log + ")");
                }
                if (!child.isAlive()) {
                    throw new MountException("the process of " + what + " exited with code " + child.exitValue()
                            + " before it was ready; last lines of " + log + ":\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    stop(child);
                    throw new MountException(what + " was not ready within " + timeout.toSeconds()
                            + " s; stopped it. Last lines of " + log + ":\n" + tail(log));
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (IOException e) {
            stop(child);
            throw new MountException("cannot read the status of " + what + " in " + ready + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(child);
            throw new MountException("interrupted while waiting for " + what);
        } finally {
            deleteQuietly(ready);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale report file in the logs directory harms nothing: each spawn has its own name
        }
    }

    /** Fails fast, in the user's terminal, on the mount point errors the child would only write to its log. */
    public static void precheck(Path path) throws MountException {
        Path mountpoint = Mountpoints.canonical(path);
        switch (Mountpoints.state(mountpoint)) {
            case MISSING -> throw new MountException("mountpoint " + mountpoint + " does not exist: create it with "
                    + "mkdir -p " + mountpoint);
            case NOT_DIRECTORY -> throw new MountException("mountpoint " + mountpoint + " is not a directory");
            case MOUNTED -> throw new MountException(mountpoint + " is already a mount point (strata umount "
                    + mountpoint + " or umount " + mountpoint + ")");
            default -> {
            }
        }
    }

    /** Reports to the process that spawned this one that it is ready; a no-op when not spawned. */
    public static void notifyReady() {
        report("READY");
    }

    /** Reports a failure (one line) to the process that spawned this one; a no-op when not spawned. */
    public static void notifyFailed(String reason) {
        report("ERROR " + String.valueOf(reason).replace('\n', ' '));
    }

    /** Readiness reported to the spawning parent's ready file (a no-op when this process was not spawned). */
    public static MountReadiness parentReadiness() {
        return new MountReadiness() {
            @Override
            public void ready() {
                notifyReady();
            }

            @Override
            public void failed(String reason) {
                notifyFailed(reason);
            }
        };
    }

    private static void report(String line) {
        String file = System.getenv(READY_FILE_ENV);
        if (file == null || file.isBlank()) {
            return;
        }
        Path target = Path.of(file);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            // Written whole then renamed, so the polling parent never reads half a line.
            Files.writeString(tmp, line + "\n");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("strata: cannot report \"" + line + "\" to " + target + ": " + e.getMessage());
        }
    }

    private static Optional<String> readStatus(Path ready) throws IOException {
        if (!Files.exists(ready)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(ready, StandardCharsets.UTF_8).trim());
    }

    private static void stop(Process child) {
        child.destroy();
        try {
            if (!child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the log, for an error message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
