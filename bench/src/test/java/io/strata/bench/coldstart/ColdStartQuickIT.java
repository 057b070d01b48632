package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.bench.BenchMain;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata bench coldstart --quick} end to end, as a user runs it: builds the quick image from this host's
 * files, starts a registry behind the netem proxy, pushes every format, runs every mode once and writes the report.
 * Asserts that every phase ran and every byte was counted, never a timing.
 */
class ColdStartQuickIT {

    /** The shaded strata jar the reactor packaged (the IT runs in bench/). */
    private static final Path STRATA_JAR = Path.of("..", "fs", "target", "strata.jar").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeftMounted() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            assertFalse(line.contains(dir.toString()), "left mounted: " + line);
        }
    }

    @Test
    void quick_everyMode_runsEveryPhaseCountsBytesAndWritesTheReport() throws Exception {
        assertTrue(Files.isRegularFile(STRATA_JAR), STRATA_JAR + " is missing: run with mvn -pl bench -am verify");
        Path results = dir.resolve("results");
        Path imageCache = Path.of(System.getenv().getOrDefault("STRATA_TEST_CACHE", "/var/cache/strata-test"),
                "bench-images");

        int exit = BenchMain.execute("coldstart", "--quick", "--results", results.toString(), "--work-dir",
                dir.resolve("work").toString(), "--image-cache", imageCache.toString(),
                "--strata-classpath", STRATA_JAR.toString());

        assertEquals(0, exit, "coldstart --quick failed; see its output above");
        JsonNode json = new ObjectMapper().readTree(results.resolve(ResultFiles.JSON).toFile());
        long imageBytes = json.path("images").get(0).path("layerBytes").asLong();
        assertTrue(imageBytes > 1_000_000, "image size " + imageBytes);
        assertTrue(json.path("link").path("measuredMbit").asDouble() > 0, "the link was calibrated");
        Set<String> modes = new TreeSet<>();
        for (JsonNode run : json.path("runs")) {
            String mode = run.path("mode").asText();
            modes.add(mode);
            assertTrue(run.path("error").isNull(), mode + ": " + run.path("error").asText());
            assertTrue(run.path("mountSeconds").asDouble() > 0, mode + " pull/mount ran");
            assertTrue(run.path("runSeconds").asDouble() > 0, mode + " run ran");
            assertEquals("hello", run.path("output").asText(), mode);
            assertTrue(run.path("mountRequests").asLong() > 0, mode + ": the manifest request was counted");
            long bytes = run.path("mountBytes").asLong() + run.path("runBytes").asLong();
            switch (mode) {
                case "legacy", "strata-whole" -> assertTrue(bytes >= imageBytes, mode + " fetched " + bytes);
                case "strata-warm" -> assertTrue(bytes < imageBytes / 100, mode + " fetched " + bytes);
                default -> assertTrue(bytes > 0 && bytes < imageBytes, mode + " is lazy but fetched " + bytes);
            }
        }
        assertEquals(new TreeSet<>(Modes.all().stream().map(Mode::name).toList()), modes);
        assertEquals(modes.size(), json.path("summary").size());

        List<String> csv = Files.readAllLines(results.resolve(ResultFiles.CSV));
        assertEquals(String.join(",", ResultFiles.CSV_HEADER), csv.get(0));
        assertEquals(modes.size() + 1, csv.size());
        for (String line : csv.subList(1, csv.size())) {
            assertEquals(ResultFiles.CSV_HEADER.size(), cells(line).size(), line);
        }

        String report = Files.readString(results.resolve(ReportWriter.REPORT));
        for (String mode : modes) {
            assertTrue(report.contains("| python-hello | " + mode + " |"), "report row of " + mode);
        }
        assertTrue(report.contains("measured RTT"), "the report shows the measured link");
        BufferedImage chart = ImageIO.read(results.resolve(ReportWriter.chartFile("quick")).toFile());
        assertNotNull(chart, "the chart is a PNG");
        assertTrue(chart.getWidth() > 500 && chart.getHeight() > 200);
    }

    /** Splits a line of runs.csv (RFC 4180 quoting). */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
