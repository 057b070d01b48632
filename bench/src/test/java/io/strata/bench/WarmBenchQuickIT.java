package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code strata bench warm --quick} for real (root: overlayfs, fuse-overlayfs, strata mounts, a local
 * docker-registry) and checks that every target produced numbers for every case and that nothing is left mounted
 * or running, also when the run fails half-way. Never asserts a timing.
 */
class WarmBenchQuickIT {

    /** The shaded jar of module fs, which {@code mvn verify} packages before this module's integration tests. */
    private static final Path STRATA_JAR = Path.of("..", "fs", "target", "strata.jar").toAbsolutePath().normalize();
    private static final List<String> TARGETS = List.of("plain", "overlay", "fuse-overlayfs", "strata");

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void warm_quick_everyTargetMeasuredInEveryCaseAndNothingLeft() throws Exception {
        Path results = tmp.resolve("results");
        Path work = Files.createDirectories(tmp.resolve("work"));

        int code = run("warm", "--quick", "--dir", work.toString(), "--out", results.toString(), "--strata-jar",
                STRATA_JAR.toString());

        assertEquals(0, code, err.toString());
        JsonNode root = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        assertEquals(WarmCase.values().length, root.get("tables").size(), root.toString());
        for (JsonNode table : root.get("tables")) {
            List<String> measured = new ArrayList<>();
            for (JsonNode row : table.get("rows")) {
                measured.add(row.get("target").asText());
                assertTrue(row.get("median").asDouble() > 0, "no positive number: " + row);
                assertEquals(1, row.get("samples").size(), "one repetition: " + row);
            }
            assertEquals(TARGETS, measured, table.get("title").asText());
        }
        assertEquals(3, root.get("goals").size(), root.get("goals").toString());
        for (JsonNode goal : root.get("goals")) {
            assertTrue(goal.get("ratio").asDouble() > 0, goal.toString());
        }
        assertTrue(root.get("settings").get("strata's cache").asText().contains("estargz (lazy)"),
                root.get("settings").toString());
        List<String> csv = Files.readAllLines(results.resolve("results.csv"));
        assertEquals(1 + WarmCase.values().length * TARGETS.size(), csv.size(), csv.toString());
        BufferedImage chart = ImageIO.read(results.resolve("warm.png").toFile());
        assertNotNull(chart, "warm.png is no PNG");
        String md = Files.readString(results.resolve("report.md"));
        assertTrue(md.contains("## Targets of issue 5") && md.contains("| seq-cold | MB/s |"), md);
        assertEquals(md, out.toString());
        assertNothingLeft(work);
    }

    @Test
    void warm_strataCannotMount_failsAndUnmountsTheBaselines() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path notStrata = Files.writeString(tmp.resolve("not-strata.jar"), "not a jar");

        // The baselines are mounted (and their trees checked) before strata's first mount fails.
        int code = run("warm", "--quick", "--tree-size", "3M", "--big-file-size", "1M", "--dir", work.toString(),
                "--out", tmp.resolve("results").toString(), "--strata-jar", notStrata.toString());

        assertEquals(BenchMain.RUNTIME_ERROR, code, err.toString());
        assertTrue(err.toString().contains("io.strata.fs.cli.Main") && err.toString().contains("mount"), err.toString());
        assertNothingLeft(work);
    }

    /** No mount under {@code work}, no registry serving from it, and the work directory deleted. */
    private static void assertNothingLeft(Path work) throws IOException {
        assertEquals(List.of(), Target.mountsUnder(work));
        List<String> registries = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("docker-registry") && c.contains(work.toString()))
                .toList();
        assertEquals(List.of(), registries);
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList());
        }
    }

    private int run(String... args) {
        CommandLine cli = BenchMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
