package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code bench cache} with tiny sizes to check the harness end to end: every case produces a row with
 * positive numbers. Never asserts a timing (a slow or busy machine must not fail the build).
 */
class CacheBenchTest {

    private static final Map<String, String> TINY = Map.of("--repetitions", "1", "--warmups", "0",
            "--lookup-millis", "20", "--lookup-set", "256K", "--chunk-sizes", "4K,64K", "--threads", "1,2",
            "--read-size", "1M", "--read-chunk-size", "256K", "--request-size", "64K");

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void cache_tinySizes_reportsEveryCaseWithPositiveRates() throws IOException {
        Path json = tmp.resolve("report.json");
        int code = run(args("--dir", tmp.toString(), "--json", json.toString()));

        assertEquals(0, code, err.toString());
        String md = out.toString();
        assertTrue(md.startsWith("# strata bench cache"), md);
        assertTrue(md.contains("| CPUs (nproc) | " + Runtime.getRuntime().availableProcessors() + " |"), md);
        for (String row : List.of("| memory | 4 KiB | 1 |", "| memory | 4 KiB | 2 |", "| memory | 64 KiB | 1 |",
                "| memory | 64 KiB | 2 |", "| disk | 4 KiB | 1 |", "| disk | 4 KiB | 2 |", "| disk | 64 KiB | 1 |",
                "| disk | 64 KiB | 2 |", "| plain file", "| ChunkCache, disk tier only", "| ChunkCache, memory tier hits",
                "| ChunkCache, empty memory tier")) {
            assertTrue(md.contains(row), "no row '" + row + "' in\n" + md);
        }
        assertTrue(md.contains("| 1.00× |"), "the plain file is its own baseline:\n" + md);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<String> ids = new ArrayList<>();
        for (JsonNode table : root.get("tables")) {
            for (JsonNode row : table.get("rows")) {
                ids.add(row.get("id").asText());
                assertTrue(row.get("median").asDouble() > 0, "not positive: " + row);
                assertEquals(1, row.get("samples").size(), "one sample per measured repetition: " + row);
            }
        }
        assertEquals(12, ids.size(), ids.toString());
        assertTrue(ids.containsAll(List.of("lookup-memory-4096-t1", "lookup-disk-65536-t2", "read-plain-file",
                "read-disk-tier", "read-memory-tier", "read-tiered-cold-memory")), ids.toString());
        assertTrue(root.get("machine").get("cpus").asInt() > 0, root.toString());
    }

    @Test
    void cache_afterRun_deletesItsTemporaryDirectory() throws IOException {
        assertEquals(0, run(args("--dir", tmp.toString())), err.toString());

        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void cache_readSizeNotWholeChunks_failsAsUsageNamingTheFlag() {
        int code = run(args("--dir", tmp.toString(), "--read-size", "1000K"));

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--read-size 1000K must be a whole number of --read-chunk-size"), err.toString());
    }

    @Test
    void cache_requestNotDividingChunk_failsAsUsageNamingBothFlags() {
        int code = run(args("--dir", tmp.toString(), "--request-size", "100K"));

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--read-chunk-size 256K must be a multiple of --request-size 100K"),
                err.toString());
    }

    @Test
    void cache_malformedSize_failsAsUsage() {
        int code = run(args("--dir", tmp.toString(), "--lookup-set", "lots"));

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--lookup-set: 'lots' is not a size"), err.toString());
    }

    @Test
    void bench_noBenchmarkNamed_failsAsUsage() {
        assertEquals(BenchMain.USAGE, run(new String[0]));
        assertTrue(err.toString().contains("a benchmark is required"), err.toString());
    }

    private int run(String[] args) {
        CommandLine cli = BenchMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** {@code cache} with the tiny options, {@code overrides} (flag, value pairs) replacing some or adding. */
    private static String[] args(String... overrides) {
        Map<String, String> options = new LinkedHashMap<>(TINY);
        for (int i = 0; i < overrides.length; i += 2) {
            options.put(overrides[i], overrides[i + 1]);
        }
        List<String> all = new ArrayList<>(List.of("cache"));
        options.forEach((flag, value) -> {
            all.add(flag);
            all.add(value);
        });
        return all.toArray(String[]::new);
    }
}
