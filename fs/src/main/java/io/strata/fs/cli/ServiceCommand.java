package io.strata.fs.cli;

import io.strata.fs.mount.MountDaemon;
import io.strata.fs.mount.RuntimeDir;
import io.strata.fs.service.MountService;
import io.strata.fs.service.ServiceClient;
import io.strata.fs.service.ServiceProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata service run|start|stop|status}: the resident mount service (see {@link MountService}). While it
 * runs, {@code strata mount} is served by it: no JVM start per mount, compiled code from the first read.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "The resident mount service: while it runs, strata mount is served by it (faster start-up).",
        subcommands = {ServiceCommand.Run.class, ServiceCommand.Start.class, ServiceCommand.Stop.class,
                ServiceCommand.Status.class})
final class ServiceCommand implements Runnable {

    /** {@code strata service status}'s exit code when no service runs (as systemctl's for an inactive unit). */
    static final int NOT_RUNNING = 3;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a subcommand is required: run, start, stop or status");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Serve in the foreground (for systemd and the like) until stopped or signalled.")
    static final class Run implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            MountService.serve((request, out, err) -> StrataCommand.execute(Path.of(request.workingDirectory()), out,
                    err, request.args()), MountDaemon.parentReadiness());
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the service detached; returns once it answers.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "How long to wait for the service to answer (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            if (ask(ServiceProtocol.Kind.STATUS, true).isPresent()) {
                System.out.println("a strata service already runs (" + MountService.socket() + ")");
                return 0;
            }
            Path base = RuntimeDir.createBase();
            Path ready = base.resolve("logs").resolve("service." + ProcessHandle.current().pid() + ".ready");
            MountDaemon.Spawned service = MountDaemon.spawnAndWait(
                    MountDaemon.javaCommand(StrataCommand.class.getName(), List.of("service", "run")),
                    MountService.logFile(), ready, "the strata service", Duration.ofSeconds(timeoutSeconds));
            System.out.printf("started the strata service (pid %d, socket %s, log %s)%n", service.pid(),
                    MountService.socket(), service.logFile());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Unmount everything the service serves, and stop it.")
    static final class Stop implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Optional<ServiceClient.Outcome> outcome = ask(ServiceProtocol.Kind.STOP, false);
            if (outcome.isEmpty()) {
                System.out.println("no strata service runs");
                return 0;
            }
            return outcome.get().exitCode();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the service and its mounts; exit code 3 when no service runs.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Optional<ServiceClient.Outcome> outcome = ask(ServiceProtocol.Kind.STATUS, false);
            if (outcome.isEmpty()) {
                System.out.println("no strata service runs (start one with: strata service start)");
                return NOT_RUNNING;
            }
            return outcome.get().exitCode();
        }
    }

    private static Optional<ServiceClient.Outcome> ask(ServiceProtocol.Kind kind, boolean quiet) throws Exception {
        java.io.PrintStream sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        return ServiceClient.send(MountService.socket(), kind, List.of(),
                quiet ? sink : System.out, quiet ? sink : System.err);
    }
}
