package io.strata.bench;

import io.strata.cache.chunk.CacheConfig;
import java.io.IOException;
import java.io.PrintStream;
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
 * {@code strata bench warm}: warm throughput and metadata rates of strata against fuse-overlayfs, kernel overlayfs
 * and the plain unpacked directory, over the same image in the same run. Builds the image from host files ({@link
 * BenchImage}), serves it from a local registry, unpacks it for the baselines ({@link Unpacked}), fills strata's
 * cache by reading every file once (and checks that strata shows the plain directory's bytes), then runs the cases
 * of {@link WarmCase} in rounds ({@link WarmRounds}) and writes the report ({@link WarmReport}).
 */
@Command(name = "warm", mixinStandardHelpOptions = true,
        description = {"Warm throughput and metadata: strata vs fuse-overlayfs vs kernel overlayfs vs the plain"
                + " unpacked directory, same image, same run (root; takes about 15 minutes, --quick about one).",
                "Writes report.md, results.json, results.csv and warm.png into --out and prints the report."})
public final class WarmBench implements Callable<Integer> {

    @Option(names = "--quick", description = "Small image (a few MB of /usr/share, 2 x 16 MiB), one repetition:"
            + " proves the harness works; the numbers mean little.")
    boolean quick;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the work directory (default: ${DEFAULT-VALUE});"
            + " the baselines read from it: use the disk you want to measure.")
    Path dir = Path.of("/var/tmp");

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default: strata-bench-warm-TIME in"
            + " the current directory).")
    Path out;

    @Option(names = "--repetitions", paramLabel = "N", description = "Measured rounds (default: 5, --quick 1).")
    Integer repetitions;

    @Option(names = "--trees", paramLabel = "DIR", split = ",", description = "Host directories whose subtrees fill"
            + " three layers (default: /usr/lib,/usr/share; --quick /usr/share).")
    List<Path> trees;

    @Option(names = "--tree-size", paramLabel = "SIZE", description = "Bytes of host files to take (default: 2G, --quick 24M).")
    String treeSize;

    @Option(names = "--big-files", paramLabel = "N", description = "Large files of random bytes (default: ${DEFAULT-VALUE}).")
    int bigFiles = 2;

    @Option(names = "--big-file-size", paramLabel = "SIZE", description = "Size of each large file (default: 512M, --quick 16M).")
    String bigFileSize;

    @Option(names = "--random-reads", paramLabel = "N", description = "Random 4 KiB reads per repetition (default: 20000, --quick 2000).")
    Integer randomReads;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the large files and the random reads (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--format", paramLabel = "FORMAT", description = "How strata gets the image: estargz (converted,"
            + " lazy) or tar (the uncompressed layers, fetched whole on first mount) (default: ${DEFAULT-VALUE}).")
    String format = "estargz";

    @Option(names = "--strata-jar", paramLabel = "CLASSPATH", description = "The strata jar to mount with (default: the"
            + " one this command runs from).")
    String strataJar;

    @Option(names = "--jfr", description = "Record a JFR profile of every strata mount process into --out/jfr (costs"
            + " some speed: for finding where time goes, not for the tables).")
    boolean jfr;

    @Option(names = "--service", description = "Mount strata through a resident 'strata service' started for the run"
            + " (each mount still its own, with an empty memory tier; the JVM stays, warm), as a host that runs the"
            + " service does. Default: every mount its own process, as 'strata mount --no-service'.")
    boolean service;

    @Option(names = "--keep", description = "Keep the work directory (image, unpacked layers, cache).")
    boolean keep;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where progress goes; the report goes to the command line's stdout. */
    PrintStream progress = System.err;

    @Override
    public Integer call() throws Exception {
        WarmSetup setup = validate();
        try (Cleanup cleanup = new Cleanup(progress)) {
            Path work = createWorkDirectory();
            if (!keep) {
                cleanup.add("delete " + work, () -> BenchImage.deleteTree(work));
            } else {
                cleanup.add("report " + work, () -> progress.println("strata bench warm: kept " + work));
            }
            String markdown = new WarmRun(setup, work, cleanup, progress).run();
            spec.commandLine().getOut().print(markdown);
            spec.commandLine().getOut().flush();
        }
        progress.println("strata bench warm: results in " + setup.out().toAbsolutePath());
        return 0;
    }

    /** The options with their defaults applied and checked; a bad one is a usage error naming it. */
    private WarmSetup validate() throws IOException {
        int reps = repetitions != null ? repetitions : quick ? 1 : 5;
        List<Path> treeList = trees != null ? trees : quick ? List.of(Path.of("/usr/share")) : List.of(Path.of("/usr/lib"),
                Path.of("/usr/share"));
        long treeBytes = CacheConfig.parseSize("--tree-size", treeSize != null ? treeSize : quick ? "24M" : "2G");
        long bigBytes = CacheConfig.parseSize("--big-file-size", bigFileSize != null ? bigFileSize : quick ? "16M" : "512M");
        int reads = randomReads != null ? randomReads : quick ? 2000 : 20_000;
        if (reps < 1 || bigFiles < 1 || reads < 1 || bigBytes < Workloads.RANDOM_READ || treeBytes < 1) {
            throw usage("--repetitions, --big-files, --random-reads and --tree-size must be at least 1 and"
                    + " --big-file-size at least 4K; got " + reps + ", " + bigFiles + ", " + reads + ", " + treeBytes
                    + " and " + bigBytes);
        }
        if (!format.equals("estargz") && !format.equals("tar")) {
            throw usage("--format is estargz or tar, got '" + format + "'");
        }
        String classPath = strataJar != null ? strataJar : defaultStrataClassPath();
        for (String entry : classPath.split(":")) {
            if (!Files.isRegularFile(Path.of(entry))) {
                throw usage("--strata-jar: " + entry + " is not a file; build it with mvn -DskipTests package"
                        + " (fs/target/strata.jar)");
            }
        }
        if (!Files.isWritable(Harness.DROP_CACHES)) {
            throw usage("strata bench warm needs root: it mounts overlayfs and drops the caches through "
                    + Harness.DROP_CACHES);
        }
        for (String tool : List.of("tar", "umoci", "fuse-overlayfs", "fusermount3", "mount", "umount", "setfattr",
                "mknod", "ls", "sync")) {
            if (!Exec.onPath(tool)) {
                throw usage(tool + " is not installed: run scripts/install-deps.sh");
            }
        }
        Files.createDirectories(dir);
        // image layout, registry (tar and eStargz), unpacked layers, plain rootfs, strata's cache, conversion spool
        long needed = 7 * (treeBytes + bigFiles * bigBytes) + (1L << 30);
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < needed) {
            throw usage("--dir " + dir + " has " + Machine.human(usable) + " free; the benchmark needs about "
                    + Machine.human(needed) + ": choose another --dir or lower --tree-size / --big-file-size");
        }
        Path outDir = out != null ? out : Path.of("strata-bench-warm-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        // The root command's arguments: "bench warm ..." under strata, "warm ..." under BenchMain.
        String command = (args.isEmpty() || !args.get(0).equals("bench") ? "strata bench " : "strata ")
                + (args.isEmpty() ? "warm" : String.join(" ", args));
        return new WarmSetup(new BenchImage.Spec(treeList, treeBytes, bigFiles, bigBytes, seed), reps, reads, format,
                classPath, outDir, jfr, service, command);
    }

    /** The jar this JVM runs the strata command line from, as the {@code ./strata} launcher puts it first. */
    private String defaultStrataClassPath() {
        List<String> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(":")) {
            if (entry.endsWith("/strata.jar") || entry.equals("strata.jar")) {
                found.add(entry);
            }
        }
        if (found.isEmpty()) {
            throw usage("cannot tell which strata jar to mount with: give --strata-jar fs/target/strata.jar");
        }
        return found.get(0);
    }

    private Path createWorkDirectory() throws IOException {
        try {
            return Files.createTempDirectory(dir, "strata-bench-warm-");
        } catch (IOException e) {
            throw new IOException("cannot create a work directory in " + dir + " (" + e + "); choose another --dir", e);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
