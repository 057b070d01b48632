package io.strata.bench.netem;

import io.strata.cache.chunk.CacheConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata bench netem}: runs a {@link NetemProxy} in front of a local server until Ctrl-C (or
 * {@code --duration}), e.g. {@code strata bench netem --target 127.0.0.1:5000 --delay 10ms --rate 200mbit}, then
 * {@code strata mount 127.0.0.1:PORT/demo/app:latest ...} through the printed address.
 */
@Command(name = "netem", mixinStandardHelpOptions = true,
        description = {"Emulate a WAN link in front of a local server (a registry): a loopback TCP proxy that delays"
                + " and rate-limits each direction, for kernels without tc netem.",
                "Prints the address to use instead of the target's on its first line, then runs until Ctrl-C."})
public final class NetemCommand implements Callable<Integer> {

    private static final Pattern RUN_TIME = Pattern.compile("([0-9]+)(ms|s|m|h)");

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
            description = "The server to relay to, e.g. 127.0.0.1:5000.")
    String target;

    @Option(names = "--listen-port", paramLabel = "PORT",
            description = "Loopback port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int listenPort = 0;

    @Option(names = "--delay", paramLabel = "DELAY", description = "One-way delay both ways, e.g. 10ms (RTT 20 ms).")
    String delay;

    @Option(names = "--rate", paramLabel = "RATE", description = "Rate both ways in bits/s, e.g. 200mbit.")
    String rate;

    @Option(names = "--up-delay", paramLabel = "DELAY", description = "Client-to-target delay; overrides --delay.")
    String upDelay;

    @Option(names = "--down-delay", paramLabel = "DELAY", description = "Target-to-client delay; overrides --delay.")
    String downDelay;

    @Option(names = "--up-rate", paramLabel = "RATE", description = "Client-to-target rate; overrides --rate.")
    String upRate;

    @Option(names = "--down-rate", paramLabel = "RATE", description = "Target-to-client rate; overrides --rate.")
    String downRate;

    @Option(names = "--burst", paramLabel = "SIZE", description = "Token bucket size per direction (default: ${DEFAULT-VALUE}).")
    String burst = "64K";

    @Option(names = "--calibrate", description = "Measure the emulated link first (RTT and a download through a"
            + " proxy with the same profile to a built-in loopback server) and print it.")
    boolean calibrate;

    @Option(names = "--calibrate-size", paramLabel = "SIZE", description = "Download size of --calibrate (default: ${DEFAULT-VALUE}).")
    String calibrateSize = "32M";

    @Option(names = "--round-trips", paramLabel = "N", description = "Timed round trips of --calibrate (default: ${DEFAULT-VALUE}).")
    int roundTrips = 20;

    @Option(names = "--duration", paramLabel = "TIME", description = "Stop after TIME (e.g. 90s, 10m) instead of"
            + " running until Ctrl-C.")
    String duration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LinkProfile profile;
        InetSocketAddress to;
        Duration runTime;
        long bulk;
        try {
            long burstBytes = CacheConfig.parseSize("--burst", burst);
            if (burstBytes < LinkProfile.MIN_BURST || burstBytes > LinkProfile.MAX_BURST) {
                throw new IllegalArgumentException("--burst " + burst + " is outside 1K to 64M");
            }
            profile = LinkProfile.parse(delay, rate, upDelay, downDelay, upRate, downRate, (int) burstBytes);
            to = parseTarget(target);
            runTime = duration == null ? null : parseRunTime(duration);
            bulk = CacheConfig.parseSize("--calibrate-size", calibrateSize);
            if (bulk < 1 || roundTrips < 1 || listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("--calibrate-size and --round-trips must be at least 1 and"
                        + " --listen-port in [0, 65535]");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NetemProxy proxy = NetemProxy.start(to, profile, listenPort)) {
            out.println(proxy.hostPort());
            out.println("relaying to " + target + " with " + profile.describe());
            if (calibrate) {
                out.println(Calibration.measure(profile, roundTrips, bulk).describe());
            }
            out.println(runTime == null ? "running until Ctrl-C" : "running for " + duration);
            out.flush();
            awaitEnd(runTime);
        }
        return 0;
    }

    /** Blocks until {@code runTime} passed or the JVM is asked to stop (Ctrl-C: the proxy closes on the way). */
    private static void awaitEnd(Duration runTime) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS); // let the proxy close its sockets before the JVM halts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "netem-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (runTime == null) {
                stop.await();
            } else {
                stop.await(runTime.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs and waits for us
            }
            stopped.countDown();
        }
    }

    static InetSocketAddress parseTarget(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("--target: '" + text + "' is not HOST:PORT; write e.g. 127.0.0.1:5000");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--target: host '" + host + "' does not resolve; write an address"
                    + " such as 127.0.0.1:5000", e);
        }
    }

    static Duration parseRunTime(String text) {
        Matcher m = RUN_TIME.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--duration: '" + text + "' is not a time; write a whole number with"
                    + " a unit ms, s, m or h, e.g. 90s or 10m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
