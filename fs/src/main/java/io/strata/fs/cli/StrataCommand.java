package io.strata.fs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code strata} command line. Exit codes: 0 success, 1 usage error (bad flags or arguments, with the
 * usage shown), 2 runtime error (one line that says what went wrong and what to do).
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Mount OCI container images as directories without downloading them first.",
        subcommands = {MountCommand.class, UmountCommand.class, StatusCommand.class, InspectCommand.class,
                CopyCommand.class, PullCommand.class, SnapshotsCommand.class, ConvertCommand.class, CommitCommand.class,
                BuildCommand.class, IndexCommand.class, RecordCommand.class, CacheCommand.class, ServiceCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeOnInvalidInput = StrataCommand.USAGE, exitCodeOnExecutionException = StrataCommand.RUNTIME_ERROR)
public final class StrataCommand implements Runnable {

    static final int USAGE = 1;
    static final int RUNTIME_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where relative paths of the command line are relative to: the caller's, which the service is not in. */
    private Path workingDirectory = Path.of(System.getProperty("user.dir"));

    Path workingDirectory() {
        return workingDirectory;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        Logging.configure(args);
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        return newCommandLine(new StrataCommand()).execute(args);
    }

    /**
     * Runs a command line on behalf of another process (the service's clients): relative paths are resolved against
     * {@code workingDirectory}, output goes to {@code out} and {@code err}.
     */
    public static int execute(Path workingDirectory, PrintWriter out, PrintWriter err, List<String> args) {
        StrataCommand top = new StrataCommand();
        top.workingDirectory = workingDirectory;
        CommandLine cli = newCommandLine(top);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args.toArray(String[]::new));
    }

    private static CommandLine newCommandLine(StrataCommand top) {
        CommandLine cli = new CommandLine(top);
        cli.setExecutionExceptionHandler(StrataCommand::onError);
        for (StrataSubcommand sub : java.util.ServiceLoader.load(StrataSubcommand.class)) {
            cli.addSubcommand(sub); // named by its own @Command
        }
        applyExitCodes(cli);
        return cli;
    }

    /** Subcommands do not inherit the exit codes of the top command's annotation: set them on every one. */
    private static void applyExitCodes(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(USAGE).exitCodeOnExecutionException(RUNTIME_ERROR);
        cli.getSubcommands().values().forEach(StrataCommand::applyExitCodes);
    }

    private static int onError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
            // Bad input the parser could not see (a malformed image reference, platform, size...). Data from
            // registries and layers fails as IOException (the union's complaints are wrapped in MountedImage); a
            // NumberFormatException can only come from such data (a header), so it is a runtime error.
            err.println("strata " + cmd.getCommandName() + ": " + e.getMessage());
            err.println("Try 'strata " + cmd.getCommandName() + " --help'.");
            err.flush();
            return USAGE;
        }
        err.println("strata " + cmd.getCommandName() + ": " + describe(e));
        if (Logging.debug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return RUNTIME_ERROR;
    }

    /** The message of the exception, with the causes' messages when they add something. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !sb.toString().contains(m)) {
                sb.append(": ").append(m);
            }
        }
        return sb.toString();
    }
}
