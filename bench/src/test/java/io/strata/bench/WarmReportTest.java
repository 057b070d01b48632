package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmReportTest {

    private static final List<String> TARGETS = List.of("plain", "overlay", "fuse-overlayfs", "strata");

    @TempDir
    Path tmp;

    @Test
    void goals_strataAgainstFuseOverlayfs_verdictSaysByHowMuchAGoalIsMissed() {
        WarmReport report = report(Map.of(WarmCase.SEQ_COLD, 500.0, WarmCase.WALK_COLD, 900.0,
                WarmCase.WALK_DROPPED, 700.0));

        List<WarmReport.Goal> goals = report.goals();

        assertEquals(List.of(WarmCase.SEQ_COLD, WarmCase.WALK_COLD, WarmCase.WALK_DROPPED),
                goals.stream().map(WarmReport.Goal::what).toList());
        assertEquals(List.of("missed by 50 %", "met", "missed by 13 %"), goals.stream().map(WarmReport.Goal::verdict).toList());
        assertEquals(0.5, goals.get(0).ratio(), 1e-9);
    }

    @Test
    void write_threeRepetitions_writesEveryFileWithMediansAndRatios() throws Exception {
        WarmReport report = report(Map.of(WarmCase.SEQ_COLD, 500.0));

        String md = report.write(tmp);

        assertEquals(md, Files.readString(tmp.resolve("report.md")));
        // medians of 0.9x, 1x, 1.1x the rate; fuse-overlayfs 1000, plain 2000
        assertTrue(md.contains("| seq-cold | MB/s | 2,000 | 1,000 | 1,000 | 500 | 0.50× | 0.25× |"), md);
        assertTrue(md.contains("| fuse-overlayfs | 1,000 | 920 | 1,080 | 1.00× | 0.50× |"), md);
        List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
        assertEquals(1 + WarmCase.values().length * TARGETS.size() * 3, csv.size());
        assertTrue(csv.contains("seq-cold,strata,MB/s,2,500.000,1.000000,false"), csv.toString());
        assertTrue(Files.readString(tmp.resolve("results.json")).contains("\"verdict\" : \"missed by 50 %\""));
        assertNotNull(ImageIO.read(tmp.resolve("warm.png").toFile()));
    }

    /**
     * A report of three rounds in which plain runs at 2000, overlay and fuse-overlayfs at 1000, and strata at
     * 1000 or the rate given for its case (0.9x, 1x and 1.1x of it in the three rounds).
     */
    private static WarmReport report(Map<WarmCase, Double> strata) {
        Map<WarmCase, List<WarmRounds.Run>> runs = new LinkedHashMap<>();
        for (WarmCase c : WarmCase.values()) {
            List<WarmRounds.Run> list = new ArrayList<>();
            double[] factors = {0.9, 1.0, 1.1};
            for (int rep = 0; rep < 3; rep++) {
                for (String t : TARGETS) {
                    double rate = t.equals("plain") ? 2000 : t.equals("strata") ? strata.getOrDefault(c, 1000.0) : 1000;
                    list.add(new WarmRounds.Run(rep, t, rate * factors[rep], 1.0, false));
                }
            }
            runs.put(c, list);
        }
        Map<String, String> sources = new LinkedHashMap<>();
        TARGETS.forEach(t -> sources.put(t, "disk"));
        Report report = new Report("strata bench warm", Machine.probe(Path.of(".")), Map.of());
        return new WarmReport(report, TARGETS, runs, sources);
    }
}
