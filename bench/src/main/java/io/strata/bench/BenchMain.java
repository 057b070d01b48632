package io.strata.bench;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs {@link BenchCommand} without the {@code strata} launcher:
 * {@code ./strata bench cache --help} (the launcher adds bench/target/strata-bench.jar to the class path). Exit codes as {@code strata}'s: 0 success,
 * 1 usage error, 2 runtime error.
 */
public final class BenchMain {

    static final int USAGE = 1;
    static final int RUNTIME_ERROR = 2;

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The {@code bench} command line, with strata's exit codes and one-line errors. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setExecutionExceptionHandler(BenchMain::onError);
        applyExitCodes(cli);
        return cli;
    }

    /** Subcommands do not inherit exit codes from the annotation of the top command: set them on each. */
    private static void applyExitCodes(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(USAGE).exitCodeOnExecutionException(RUNTIME_ERROR);
        cli.getSubcommands().values().forEach(BenchMain::applyExitCodes);
    }

    private static int onError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = "strata bench " + cmd.getCommandName();
        if (e instanceof IllegalArgumentException) {
            err.println(name + ": " + e.getMessage());
            err.println("Try '" + name + " --help'.");
            err.flush();
            return USAGE;
        }
        err.println(name + ": " + e);
        e.printStackTrace(err); // a benchmark is run by developers: the trace is worth more than a tidy line
        err.flush();
        return RUNTIME_ERROR;
    }
}
