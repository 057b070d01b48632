package io.strata.bench.coldstart;

import io.strata.bench.netem.LinkProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata bench coldstart}: HelloBench-style cold starts of images, legacy pull + unpack and strata mounts in
 * each format side by side, over an emulated link; writes {@code report.md}, {@code results.json},
 * {@code runs.csv} and a chart per image into the results directory.
 */
@Command(name = "coldstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cold start of images, HelloBench style: time to pull/mount and to run a workload, bytes and"
                + " requests, for legacy pull + unpack (skopeo, umoci) and strata mounts of every format side by side,"
                + " caches dropped before each run. Needs root.",
                "Writes report.md, results.json, runs.csv and coldstart-IMAGE.png into --results.",
                "Example: strata bench coldstart --image python --link 10ms,200mbit --results bench/results"})
public final class ColdStartCommand implements Callable<Integer> {

    static final Path DEFAULT_IMAGE_CACHE = Path.of("/var/cache/strata-bench");

    @Option(names = "--image", paramLabel = "IMAGE", split = ",", description = {"A built-in image (quick, python,"
            + " jdk, large; built once into --image-cache), an OCI layout DIR:TAG or a registry reference;"
            + " repeatable. Default: python (--quick: quick)."})
    List<String> images = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", split = ",", description = "Modes to compare: legacy, strata-whole,"
            + " strata-indexed, strata-kept-index, strata-estargz, strata-estargz-optimized, strata-warm, or all"
            + " (default).")
    List<String> modes = new ArrayList<>();

    @Option(names = "--workload", paramLabel = "NAME", split = ",", description = "Built-in workloads: python-hello,"
            + " python-imports, java-version, java-hello, find. Default: those of each built-in image.")
    List<String> workloads = new ArrayList<>();

    @Option(names = "--command", paramLabel = "NAME=COMMAND", description = "Your own workload: COMMAND runs with"
            + " /bin/sh -c in the image and must exit 0; repeatable.")
    List<String> commands = new ArrayList<>();

    @Option(names = "--repetitions", paramLabel = "N", description = "Runs of each case (default 3; --quick: 1).")
    Integer repetitions;

    @Option(names = "--link", paramLabel = "DELAY,RATE", description = "Emulated link between every client and the"
            + " registry: one-way delay and rate each way, e.g. 10ms,200mbit (RTT 20 ms); none for loopback"
            + " (default; --quick: 1ms,1gbit).")
    String link;

    @Option(names = "--results", paramLabel = "DIR", description = "Where the report goes (default:"
            + " coldstart-YYYYMMDD-HHMMSS in the current directory).")
    Path results;

    @Option(names = "--quick", description = "A check of the harness in about a minute: the quick image (from this"
            + " host's files), python-hello, every mode once, a fast emulated link.")
    boolean quick;

    @Option(names = "--service", description = "Strata modes mount through a resident 'strata service', started"
            + " once before the images are prepared (their untimed mounts warm it) and stopped at the end.")
    boolean service;

    @Option(names = "--image-cache", paramLabel = "DIR", description = "Where built-in images are kept between runs"
            + " (default: ${DEFAULT-VALUE}).")
    Path imageCache = DEFAULT_IMAGE_CACHE;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Scratch space, deleted at the end (default: a"
            + " new directory under /var/tmp).")
    Path workDir;

    @Option(names = "--report-only", description = "Run nothing: rewrite report.md and the charts of --results from"
            + " its results.json.")
    boolean reportOnly;

    @Option(names = "--strata-classpath", hidden = true, paramLabel = "CLASSPATH",
            description = "Class path of the strata command line to measure (default: this JVM's).")
    String strataClasspath;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (reportOnly) {
            return rewriteReport();
        }
        ColdStartPlan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (!isRoot()) {
            throw new IllegalStateException("strata bench coldstart runs workloads in chroots, mounts with FUSE and"
                    + " drops the page cache: run it as root");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ColdStartResults r = new ColdStart(plan, err).run();
        ReportWriter.write(r, plan.resultsDir());
        out.println(Files.readString(plan.resultsDir().resolve(ReportWriter.REPORT), StandardCharsets.UTF_8));
        out.println("results: " + plan.resultsDir().toAbsolutePath());
        out.flush();
        if (!r.allOk()) {
            err.println("strata bench coldstart: " + r.runs().stream().filter(x -> !x.ok()).count() + " of "
                    + r.runs().size() + " runs failed; see 'Failed runs' in " + plan.resultsDir().resolve(ReportWriter.REPORT));
            err.flush();
            return 2;
        }
        return 0;
    }

    private int rewriteReport() throws IOException {
        if (results == null || !Files.isRegularFile(results.resolve(ResultFiles.JSON))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--report-only needs --results DIR with the "
                    + ResultFiles.JSON + " of an earlier run");
        }
        ReportWriter.write(ResultFiles.read(results), results);
        spec.commandLine().getOut().println("rewrote " + results.resolve(ReportWriter.REPORT) + " and its charts");
        return 0;
    }

    ColdStartPlan plan() throws IOException {
        List<Workload> chosen = new ArrayList<>();
        List<String> workloadNames = workloads.isEmpty() && quick && commands.isEmpty()
                ? List.of(Workload.PYTHON_HELLO.name()) : workloads;
        workloadNames.forEach(n -> chosen.add(Workload.builtIn(n)));
        commands.forEach(c -> chosen.add(Workload.custom(c)));
        List<String> imageNames = !images.isEmpty() ? images : List.of(quick ? "quick" : "python");
        List<BenchImage> benchImages = new ArrayList<>();
        for (String i : imageNames) {
            BenchImage b = BenchImage.parse(i, chosen);
            if (benchImages.stream().anyMatch(x -> x.name().equals(b.name()))) {
                throw new IllegalArgumentException("--image " + i + " is given twice");
            }
            benchImages.add(b);
        }
        String linkText = link != null ? link : quick ? "1ms,1gbit" : "none";
        Path resultsDir = results != null ? results : Path.of("coldstart-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path work = workDir != null ? workDir : Files.createTempDirectory(
                Files.createDirectories(Path.of("/var/tmp")), "strata-coldstart-");
        String classPath = strataClasspath != null ? strataClasspath : System.getProperty("java.class.path");
        return new ColdStartPlan(benchImages, Modes.parse(modes), repetitions != null ? repetitions : quick ? 1 : 3,
                parseLink(linkText), resultsDir.toAbsolutePath(), work.toAbsolutePath(), imageCache.toAbsolutePath(),
                service, classPath, reproduceCommand(spec.commandLine().getParseResult().originalArgs()));
    }

    /** {@code strata bench coldstart ARGS}: the arguments after {@code coldstart} (the top command's are before). */
    static String reproduceCommand(List<String> originalArgs) {
        int at = originalArgs.indexOf("coldstart");
        List<String> args = originalArgs.subList(at + 1, originalArgs.size());
        StringBuilder sb = new StringBuilder("strata bench coldstart");
        for (String a : args) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./:=,@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** {@code none}, or {@code DELAY,RATE} as {@code strata bench netem} reads them: {@code 10ms,200mbit}. */
    static LinkProfile parseLink(String text) {
        if (text.equals("none")) {
            return null;
        }
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--link '" + text + "' is not DELAY,RATE; write e.g. 10ms,200mbit"
                    + " (10 ms each way, 200 Mbit/s) or none");
        }
        return LinkProfile.parse(parts[0].trim(), parts[1].trim(), null, null, null, null,
                LinkProfile.DEFAULT_BURST_BYTES);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
