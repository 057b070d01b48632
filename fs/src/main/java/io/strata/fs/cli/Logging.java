package io.strata.fs.cli;

import java.util.Arrays;

/**
 * Sets up SLF4J's simple logger before the first logger exists. Logs go to stderr: a foreground mount shows
 * them, a background mount's stderr is its log file. One-shot commands log warnings only, so their output stays
 * what the user asked for. {@code STRATA_DEBUG=1} turns on debug logs and stack traces.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String[] args) {
        boolean longRunning = args.length > 0 && (args[0].equals("mount") && Arrays.asList(args).contains("--foreground")
                || args[0].equals("service") && args.length > 1 && args[1].equals("run"));
        String level = debug() ? "debug" : longRunning ? "info" : "warn";
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", level);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.okhttp3", "warn");
    }

    static boolean debug() {
        String env = System.getenv("STRATA_DEBUG");
        return (env != null && !env.isBlank() && !env.equals("0")) || Boolean.getBoolean("strata.debug");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
