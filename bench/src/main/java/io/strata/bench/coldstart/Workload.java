package io.strata.bench.coldstart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a cold start runs once the image's tree is there: a command in a chroot of it, as a container runtime would
 * start it (HelloBench's "run" phase). A run fails unless the command exits 0 and its output matches {@code expected}.
 *
 * @param name        short name for flags and tables
 * @param description what it does, for the report
 * @param command     the command inside the image
 * @param needsProc   whether it needs {@code /proc} (the JVM does): it then runs in its own mount and pid namespace
 *                    with a fresh {@code /proc} over the image's ({@code unshare --mount-proc}), gone when it exits
 * @param expected    a pattern its output must contain
 */
record Workload(String name, String description, List<String> command, boolean needsProc, Pattern expected) {

    static final Workload PYTHON_HELLO = new Workload("python-hello", "python3 -c 'print(\"hello\")'",
            List.of("python3", "-c", "print(\"hello\")"), false, Pattern.compile("(?m)^hello$"));

    /** Modules a small web or tooling program imports at start, across the standard library's big packages. */
    static final Workload PYTHON_IMPORTS = new Workload("python-imports",
            "python3 importing json, http.server, email, asyncio, sqlite3, xml.etree, unittest, argparse, decimal,"
                    + " logging, urllib.request, csv, zipfile, tarfile",
            List.of("python3", "-c", "import json, http.server, email.mime.multipart, asyncio, sqlite3,"
                    + " xml.etree.ElementTree, unittest, argparse, decimal, logging, urllib.request, csv, zipfile,"
                    + " tarfile; print('imported')"), false, Pattern.compile("(?m)^imported$"));

    static final Workload JAVA_VERSION = new Workload("java-version", "java -version",
            List.of("java", "-version"), true, Pattern.compile("(openjdk|java) version"));

    static final Workload JAVA_HELLO = new Workload("java-hello", "java -jar /opt/hello/hello.jar",
            List.of("java", "-jar", "/opt/hello/hello.jar"), true, Pattern.compile("(?m)^hello from java$"));

    static final Workload FIND = new Workload("find", "find / -xdev | wc -l (every directory of the tree listed)",
            List.of("/bin/sh", "-c", "find / -xdev | wc -l"), false, Pattern.compile("(?m)^\\s*[1-9][0-9]*\\s*$"));

    private static final Map<String, Workload> BUILT_IN = new LinkedHashMap<>();

    static {
        for (Workload w : List.of(PYTHON_HELLO, PYTHON_IMPORTS, JAVA_VERSION, JAVA_HELLO, FIND)) {
            BUILT_IN.put(w.name(), w);
        }
    }

    Workload {
        command = List.copyOf(command);
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("workload name '" + name + "' must be lower-case letters, digits and"
                    + " dashes (it names image tags and files)");
        }
    }

    /** The built-in workload {@code name}. */
    static Workload builtIn(String name) {
        Workload w = BUILT_IN.get(name);
        if (w == null) {
            throw new IllegalArgumentException("--workload: no built-in workload '" + name + "'; choose from "
                    + String.join(", ", BUILT_IN.keySet()) + ", or give your own with --command NAME=COMMAND");
        }
        return w;
    }

    static List<String> builtInNames() {
        return List.copyOf(BUILT_IN.keySet());
    }

    /**
     * A user's workload from {@code NAME=COMMAND}: COMMAND runs with {@code /bin/sh -c} in the image and must exit
     * 0; it gets no /proc.
     */
    static Workload custom(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 1 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("--command '" + spec + "' is not NAME=COMMAND; write e.g."
                    + " --command 'app=/usr/bin/app --version'");
        }
        return new Workload(spec.substring(0, eq), spec.substring(eq + 1),
                List.of("/bin/sh", "-c", spec.substring(eq + 1)), false, Pattern.compile(""));
    }

    /** The host command that runs it in a chroot of {@code root}. */
    List<String> hostCommand(Path root) {
        List<String> cmd = new ArrayList<>();
        if (needsProc) {
            // unshare keeps its mounts private (util-linux's default propagation), so the /proc is never seen
            // outside and disappears with the command
            cmd.addAll(List.of("unshare", "--mount", "--fork", "--pid", "--mount-proc=" + root.resolve("proc")));
        }
        cmd.add("chroot");
        cmd.add(root.toString());
        cmd.addAll(command);
        return cmd;
    }

    /**
     * The command for {@code strata record}, which runs it in a chroot itself: the image's own {@code unshare}
     * gives it a /proc when it needs one (the mount's root is a mount point, so the namespace can be made private).
     */
    List<String> recordCommand() {
        if (!needsProc) {
            return command;
        }
        List<String> cmd = new ArrayList<>(List.of("unshare", "--fork", "--pid", "--mount-proc"));
        cmd.addAll(command);
        return cmd;
    }

    /** Whether {@code output} of a run that exited 0 is what this workload prints. */
    boolean accepts(String output) {
        return expected.matcher(output).find();
    }
}
