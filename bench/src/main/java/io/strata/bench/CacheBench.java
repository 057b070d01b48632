package io.strata.bench;

import io.strata.cache.chunk.CacheConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata bench cache}: chunk lookups per second from each tier of the chunk cache, and what the cache
 * costs a warm sequential read next to a plain file, measured in one run on the local disk. Prints a Markdown
 * report; {@code --json} also writes every repetition.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = {"Measure the chunk cache on the local disk: lookups/s per tier, chunk size and thread count,"
                + " and warm sequential reads through the cache against a plain file.",
                "Prints a Markdown report; the default run takes about a minute on 2 cores."})
public final class CacheBench implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the benchmark's temporary directory"
            + " (default: ${DEFAULT-VALUE}); use a directory on the disk you want to measure.")
    Path dir = Path.of("/var/tmp");

    @Option(names = "--repetitions", paramLabel = "N", description = "Measured repetitions per case (default: ${DEFAULT-VALUE}).")
    int repetitions = 5;

    @Option(names = "--warmups", paramLabel = "N", description = "Discarded warm-up repetitions per case (default: ${DEFAULT-VALUE}).")
    int warmups = 2;

    @Option(names = "--lookup-millis", paramLabel = "MS", description = "Length of one lookup repetition (default: ${DEFAULT-VALUE}).")
    int lookupMillis = 300;

    @Option(names = "--lookup-set", paramLabel = "SIZE", description = "Bytes of chunks per lookup case, at most "
            + LookupBench.MAX_CHUNKS + " chunks (default: ${DEFAULT-VALUE}).")
    String lookupSet = "64M";

    @Option(names = "--chunk-sizes", paramLabel = "SIZE", split = ",", description = "Chunk sizes of the lookup cases (default: ${DEFAULT-VALUE}).")
    List<String> chunkSizes = new ArrayList<>(List.of("4K", "64K", "1M"));

    @Option(names = "--threads", paramLabel = "N", split = ",", description = "Thread counts of the lookup cases (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>(List.of(1, 2));

    @Option(names = "--read-size", paramLabel = "SIZE", description = "Bytes read by each sequential-read repetition (default: ${DEFAULT-VALUE}).")
    String readSize = "256M";

    @Option(names = "--read-chunk-size", paramLabel = "SIZE", description = "Chunk size of the sequential reads (default: ${DEFAULT-VALUE}).")
    String readChunkSize = "1M";

    @Option(names = "--request-size", paramLabel = "SIZE", description = "Bytes per read request, as FUSE sends them (default: ${DEFAULT-VALUE}).")
    String requestSize = "128K";

    @Option(names = "--drop-caches", description = "Drop the page cache before every repetition that reads files"
            + " (needs root); without it those files are read from the page cache.")
    boolean dropCaches;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report, with every repetition, as JSON to FILE.")
    Path json;

    @Option(names = "--keep", description = "Keep the temporary directory (it is deleted by default).")
    boolean keep;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where progress goes (stderr); the report goes to {@code spec}'s stdout. */
    PrintStream progress = System.err;

    @Override
    public Integer call() throws Exception {
        Settings s = validate();
        Path work = createWorkDirectory();
        try {
            Report report = run(s, work);
            if (json != null) {
                report.writeJson(json);
            }
            spec.commandLine().getOut().print(report.markdown());
            spec.commandLine().getOut().flush();
        } finally {
            if (keep) {
                progress.println("kept " + work);
            } else {
                deleteTree(work);
            }
        }
        return 0;
    }

    private Report run(Settings s, Path work) throws Exception {
        Harness harness = new Harness(warmups, repetitions, dropCaches);
        String pageCache = dropCaches ? "dropped before each repetition" : "warm";
        BenchCaches caches = new BenchCaches(work.resolve("cache"), s.diskBytes);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("repetitions", repetitions + " measured after " + warmups + " warm-up; median and p10/p90 of"
                + " the measured ones");
        settings.put("page cache", dropCaches ? "dropped (/proc/sys/vm/drop_caches) before each repetition that"
                + " reads files" : "warm: every file was written just before it is read and the machine has memory"
                + " to spare, so disk-tier and plain-file reads come from the page cache, not the device");
        Report report = new Report("strata bench cache", Machine.probe(work), settings);

        LookupBench lookups = new LookupBench(caches, harness, s.lookupSetBytes, lookupMillis * 1_000_000L, pageCache);
        List<Report.Row> lookupRows = new ArrayList<>();
        for (int size : s.chunkSizes) {
            progress.println("strata bench cache: lookups of " + Machine.human(size) + " chunks ("
                    + lookups.chunksOf(size) + " chunks)...");
            lookupRows.addAll(lookups.run(size, threads));
        }
        report.add(new Report.Table("Chunk lookups",
                "`ChunkCache.get` of chunks already cached, in a shuffled order, for " + lookupMillis + " ms per"
                        + " repetition; range keys, so a disk hit opens the file, reads it and checks its SHA-256"
                        + " trailer. Threads share one cache; the rate is their sum. Memory-tier lookups take tens"
                        + " of nanoseconds, so JIT, GC and other load move them by up to 2x between runs: compare"
                        + " rows of one run. MB/s is lookups/s times the chunk size; a memory hit copies nothing (it"
                        + " returns the cached array).",
                List.of("tier", "chunk", "threads", "chunks in set"), "lookups/s", List.of("MB/s", "page cache"),
                lookupRows));

        progress.println("strata bench cache: sequential reads of " + Machine.human(s.readBytes) + "...");
        WarmReadBench reads = new WarmReadBench(caches, harness, work.resolve("plain.bin"), s.readBytes,
                s.readChunkBytes, s.requestBytes, pageCache);
        report.add(new Report.Table("Sequential read of cached data",
                "The same " + Machine.human(s.readBytes) + " read front to back in " + Machine.human(s.requestBytes)
                        + " requests (as FUSE sends them) from " + Machine.human(s.readChunkBytes) + " chunks; each"
                        + " request is copied into a " + Machine.human(s.requestBytes) + " array. MB = 10^6 bytes.",
                List.of("path"), "MB/s", List.of("vs plain file", "page cache"), reads.run()));
        report.setting("load average at end (1/5/15 min)", Machine.currentLoadAverage() + " (more than the CPU count means"
                + " other work competed with the benchmark)");
        return report;
    }

    /** The options, parsed and checked together; a bad one is a usage error that names it. */
    private record Settings(long lookupSetBytes, List<Integer> chunkSizes, long readBytes, int readChunkBytes,
                            int requestBytes, long diskBytes) {
    }

    private Settings validate() throws IOException {
        if (repetitions < 1 || warmups < 0 || lookupMillis < 1) {
            throw usage("--repetitions must be >= 1, --warmups >= 0 and --lookup-millis >= 1; got " + repetitions
                    + ", " + warmups + " and " + lookupMillis);
        }
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 256)) {
            throw usage("--threads takes thread counts from 1 to 256, e.g. 1,2; got " + threads);
        }
        long set = CacheConfig.parseSize("--lookup-set", lookupSet);
        List<Integer> sizes = new ArrayList<>();
        for (String text : chunkSizes) {
            sizes.add(intSize("--chunk-sizes", text));
        }
        long read = CacheConfig.parseSize("--read-size", readSize);
        int chunk = intSize("--read-chunk-size", readChunkSize);
        int request = intSize("--request-size", requestSize);
        if (set < 1 || sizes.isEmpty()) {
            throw usage("--lookup-set must be at least 1 byte and --chunk-sizes name at least one size");
        }
        if (chunk % request != 0) {
            throw usage("--read-chunk-size " + readChunkSize + " must be a multiple of --request-size " + requestSize
                    + " (FUSE requests are aligned, so none spans two chunks)");
        }
        if (read < chunk || read % chunk != 0 || read / chunk > Integer.MAX_VALUE) {
            throw usage("--read-size " + readSize + " must be a whole number of --read-chunk-size " + readChunkSize
                    + " chunks, e.g. 256M with 1M chunks");
        }
        if (dropCaches && !Files.isWritable(Harness.DROP_CACHES)) {
            throw usage("--drop-caches needs root (it writes " + Harness.DROP_CACHES + "); run as root or leave it out");
        }
        // Every set stays on disk for the whole run: lookup sets, read chunks (+ trailers) and the plain file.
        long lookupBytes = sizes.stream().mapToLong(size -> (long) Math.max(1, Math.min(LookupBench.MAX_CHUNKS,
                set / size)) * size).sum();
        long diskBytes = 2 * (lookupBytes + read) + (64L << 20);
        long heapNeeded = Math.max(read, lookupBytes) * 3 / 2 + (128L << 20);
        if (Runtime.getRuntime().maxMemory() < heapNeeded) {
            throw usage("the memory-tier cases hold up to " + Machine.human(Math.max(read, lookupBytes))
                    + " of chunks and need about " + Machine.human(heapNeeded) + " of heap, but this JVM may use "
                    + Machine.human(Runtime.getRuntime().maxMemory()) + "; give java -Xmx (e.g. in STRATA_JAVA_OPTS)"
                    + " or lower --read-size / --lookup-set");
        }
        Files.createDirectories(dir);
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < diskBytes) {
            throw usage("--dir " + dir + " has " + Machine.human(usable) + " free but the benchmark writes up to "
                    + Machine.human(diskBytes) + "; choose another --dir or lower --read-size / --lookup-set");
        }
        return new Settings(set, sizes, read, chunk, request, diskBytes);
    }

    private int intSize(String flag, String text) {
        long v = CacheConfig.parseSize(flag, text);
        if (v < 1 || v > (1 << 30)) {
            throw usage(flag + " " + text + " is out of range: a chunk or request is 1 byte to 1G");
        }
        return (int) v;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private Path createWorkDirectory() throws IOException {
        try {
            return Files.createTempDirectory(dir, "strata-bench-");
        } catch (IOException e) {
            throw new IOException("cannot create a temporary directory in " + dir + " (" + e + "); choose another"
                    + " --dir or fix its permissions", e);
        }
    }

    private void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            progress.println("strata bench cache: could not delete " + root + " (" + e + "); delete it by hand");
        }
    }
}
