package io.strata.bench.coldstart;

import io.strata.bench.chart.StackedBarChart;
import io.strata.bench.chart.StackedBarChart.Bar;
import io.strata.bench.chart.StackedBarChart.Section;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chart of one image: a bar per workload and mode, stacked as pull/mount then run (medians), like
 * stargz-snapshotter's HelloBench chart, with the min–max of the totals, and the total and the share of the image
 * fetched at the end of each bar.
 */
final class ColdStartChart {

    private ColdStartChart() {
    }

    /** Writes the chart of {@code image}'s summaries as a PNG. */
    static void write(ColdStartResults results, String image, Path png) throws IOException {
        Map<String, List<Bar>> byWorkload = new LinkedHashMap<>();
        for (Summary s : results.summary()) {
            if (s.image().equals(image)) {
                byWorkload.computeIfAbsent(s.workload(), k -> new ArrayList<>()).add(bar(s));
            }
        }
        List<Section> sections = byWorkload.entrySet().stream().map(e -> new Section(e.getKey(), e.getValue())).toList();
        new StackedBarChart("Cold start of " + image + ": pull/mount + run (median seconds)", subtitle(results),
                List.of("pull + unpack / mount", "run"), "min–max of the totals", "seconds", sections).write(png);
    }

    private static Bar bar(Summary s) {
        boolean baseline = s.mode().equals(Modes.BASELINE);
        if (Double.isNaN(s.total().median())) {
            return Bar.failed(s.mode(), baseline);
        }
        String label = String.format(Locale.ROOT, "%.2f s", s.total().median())
                + (Double.isNaN(s.percentOfImage()) ? "" : String.format(Locale.ROOT, "  %.1f %% fetched", s.percentOfImage()));
        // the spread reaches the slowest repetition, so the axis makes room for every min–max line
        return new Bar(s.mode(), baseline, List.of(s.mount().median(), s.run().median()), s.total().min(),
                s.total().max(), label);
    }

    /** The link and the repetitions, short enough for the chart's width. */
    private static String subtitle(ColdStartResults r) {
        ColdStartResults.Link l = r.link();
        String link = l == null ? "no emulated link (loopback)" : String.format(Locale.ROOT,
                "link RTT %.0f ms, %.0f Mbit/s (measured %.1f ms, %.0f Mbit/s)", l.configuredRttMs(), l.configuredMbit(),
                l.measuredRttMs(), l.measuredMbit());
        int reps = r.runs().stream().mapToInt(RunResult::repetition).max().orElse(0);
        return link + "; median of " + reps + (reps == 1 ? " run" : " runs") + "; page cache dropped before each; "
                + r.machine().cpus() + " CPUs";
    }
}
