package io.strata.bench;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a benchmark must undo however it ends: mounts, the registry process, temporary directories. Actions run
 * in reverse order of registration, each even if an earlier one failed, once: at {@link #close()} or, if the JVM
 * is stopped first (Ctrl-C, SIGTERM), from a shutdown hook. A failed action is reported, never thrown: cleanup
 * must not hide the error that ended the benchmark.
 */
final class Cleanup implements AutoCloseable {

    /** One undo step. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private record Step(String what, Action action) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final PrintStream log;
    private final Thread hook = new Thread(this::close, "strata-bench-cleanup");

    Cleanup(PrintStream log) {
        this.log = log;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers {@code action}, described as {@code what} (e.g. "unmount /tmp/x") in a failure report. */
    synchronized void add(String what, Action action) {
        steps.push(new Step(what, action));
    }

    @Override
    public synchronized void close() {
        while (!steps.isEmpty()) {
            Step s = steps.pop();
            try {
                s.action().run();
            } catch (Exception | Error e) {
                log.println("strata bench: cleanup step '" + s.what() + "' failed: " + e + "; do it by hand");
            }
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook finds nothing left to do
            }
        }
    }
}
