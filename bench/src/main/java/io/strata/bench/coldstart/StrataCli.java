package io.strata.bench.coldstart;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code strata} command line, run the way a user runs it: a new JVM per command ({@code strata mount} starts
 * its own mount process and returns once the mount answers), so a measured mount includes the JVM starts a user
 * pays for. The class path is this JVM's (the {@code ./strata} launcher's {@code fs/target/strata.jar} and the bench
 * jar) unless one is given.
 */
final class StrataCli {

    /** The entry point users run: it hands mounts to a running {@code strata service}. */
    static final String MAIN = "io.strata.fs.cli.Main";
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final Proc proc;
    private final List<String> java;

    /** @param classPath where {@code io.strata.fs.cli.Main} and its dependencies are */
    StrataCli(Proc proc, String classPath) {
        this.proc = proc;
        String binary = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.java = List.of(binary, "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8", "-cp", classPath, MAIN);
    }

    /** The command line of {@code strata args...}. */
    List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(args);
        return cmd;
    }

    /** Runs {@code strata args...}; throws with its output when it fails. */
    Proc.Result check(String... args) throws IOException {
        Proc.Result r = run(args);
        if (!r.ok()) {
            throw new IOException("strata " + String.join(" ", args) + " failed with exit status " + r.exitCode()
                    + ":\n" + Proc.tail(r.output()));
        }
        return r;
    }

    /** Runs {@code strata args...} and returns how it ended. */
    Proc.Result run(String... args) throws IOException {
        return proc.run(command(List.of(args)), TIMEOUT);
    }

    /**
     * Whether this strata knows the command {@code name} (e.g. {@code service}, which another branch adds): its
     * {@code --help} shows its own usage. (An unknown name followed by {@code --help} shows strata's usage and exits
     * 0, so the exit status alone does not tell.)
     */
    boolean knows(String name) throws IOException {
        Proc.Result r = run(name, "--help");
        return r.ok() && r.output().contains("Usage: strata " + name);
    }
}
