package io.strata.bench;

import io.strata.bench.coldstart.ColdStartCommand;
import io.strata.bench.netem.NetemCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code strata bench}: the benchmarks, one subcommand each. A picocli command with a public no-argument
 * constructor, so that the {@code strata} command of module {@code fs} can add it when this module is on the
 * class path (fs must not depend on bench); {@link BenchMain} runs it on its own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints a Markdown report with the machine, medians and p10/p90.",
        subcommands = {CacheBench.class, NetemCommand.class, ColdStartCommand.class, WarmBench.class,
                CommandLine.HelpCommand.class})
public final class BenchCommand implements io.strata.fs.cli.StrataSubcommand, Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required, e.g. 'cache'");
    }
}
