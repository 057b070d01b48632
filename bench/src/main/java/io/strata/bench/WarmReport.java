package io.strata.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.bench.chart.GroupedBarChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of {@code strata bench warm}: a summary table (medians of every case and target, strata's ratios to
 * fuse-overlayfs and to the plain directory), the targets with their verdicts, one detailed table per case
 * (median, p10, p90, ratios), and the files of the results directory: {@code report.md}, {@code results.json}
 * (every repetition), {@code results.csv} (one line per repetition) and {@code warm.png} (a bar chart).
 */
final class WarmReport {

    static final String FUSE_OVERLAYFS = "fuse-overlayfs";
    static final String PLAIN = "plain";
    static final String STRATA = "strata";

    /**
     * One of the goals: strata's median of {@code what} at least {@code goal} times fuse-overlayfs's.
     *
     * @param ratio strata / fuse-overlayfs, NaN if a target was not measured
     */
    record Goal(String name, WarmCase what, double goal, double strata, double fuseOverlayfs, double ratio) {
        boolean met() {
            return ratio >= goal;
        }

        String verdict() {
            if (Double.isNaN(ratio)) {
                return "not measured";
            }
            return met() ? "met" : String.format(Locale.ROOT, "missed by %.0f %%", (1 - ratio / goal) * 100);
        }
    }

    private final Report report;
    private final List<String> targets;
    private final Map<WarmCase, List<WarmRounds.Run>> runs;
    private final Map<WarmCase, Map<String, Samples>> samples = new LinkedHashMap<>();
    private final List<Goal> goals;

    /** @param targets target names in table order */
    WarmReport(Report report, List<String> targets, Map<WarmCase, List<WarmRounds.Run>> runs,
               Map<String, String> coldSources) {
        this.report = report;
        this.targets = List.copyOf(targets);
        this.runs = runs;
        for (WarmCase c : runs.keySet()) {
            Map<String, Samples> byTarget = new LinkedHashMap<>();
            for (String t : targets) {
                double[] values = runs.get(c).stream().filter(r -> r.target().equals(t))
                        .mapToDouble(WarmRounds.Run::rate).toArray();
                if (values.length > 0) {
                    byTarget.put(t, new Samples(values));
                }
            }
            samples.put(c, byTarget);
            report.add(table(c, byTarget, coldSources));
        }
        goals = List.of(
                goal("warm sequential read from strata's cache >= fuse-overlayfs's read of the same file from disk",
                        WarmCase.SEQ_COLD, 1.0),
                goal("find+stat >= 80 % of fuse-overlayfs's rate (fresh mounts)", WarmCase.WALK_COLD, 0.8),
                goal("find+stat >= 80 % of fuse-overlayfs's rate (kernel caches dropped, mounts kept)",
                        WarmCase.WALK_DROPPED, 0.8));
    }

    List<Goal> goals() {
        return goals;
    }

    /** The median of {@code c} on {@code target}, NaN if it was not measured. */
    double median(WarmCase c, String target) {
        Samples s = samples.getOrDefault(c, Map.of()).get(target);
        return s == null ? Double.NaN : s.median();
    }

    /** Writes report.md, results.json, results.csv and warm.png into {@code dir}; returns the Markdown. */
    String write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String markdown = markdown();
        Files.writeString(dir.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        Path json = dir.resolve("results.json");
        report.writeJson(json);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = (ObjectNode) mapper.readTree(json.toFile());
        ArrayNode goalNodes = root.putArray("goals");
        for (Goal g : goals) {
            goalNodes.addObject().put("goal", g.name()).put("case", g.what().id()).put("atLeast", g.goal())
                    .put("strata", g.strata()).put("fuseOverlayfs", g.fuseOverlayfs()).put("ratio", g.ratio())
                    .put("verdict", g.verdict());
        }
        mapper.writeValue(json.toFile(), root);
        Files.writeString(dir.resolve("results.csv"), csv(), StandardCharsets.UTF_8);
        new GroupedBarChart("strata bench warm: median of each case, relative to the plain directory", targets,
                chartGroups(), "bar length: median / plain directory's median (dashed line = 1.0)")
                .write(dir.resolve("warm.png"));
        return markdown;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder(report.markdown());
        sb.append("\n## Summary\n\nMedians; the last two columns are strata's ratios.\n\n| case | unit |");
        targets.forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append(" strata / fuse-overlayfs | strata / plain |\n|---|---|");
        targets.forEach(t -> sb.append("---:|"));
        sb.append("---:|---:|\n");
        for (WarmCase c : samples.keySet()) {
            sb.append("| ").append(c.id()).append(" | ").append(c.unit()).append(" |");
            targets.forEach(t -> sb.append(' ').append(number(median(c, t))).append(" |"));
            sb.append(' ').append(Report.ratio(median(c, STRATA), median(c, FUSE_OVERLAYFS))).append(" | ")
                    .append(Report.ratio(median(c, STRATA), median(c, PLAIN))).append(" |\n");
        }
        sb.append("\n## Targets of issue 5\n\n| goal | strata | fuse-overlayfs | ratio | needed | verdict |\n")
                .append("|---|---:|---:|---:|---:|---|\n");
        for (Goal g : goals) {
            sb.append("| ").append(g.name()).append(" (").append(g.what().id()).append(", ").append(g.what().unit())
                    .append(") | ").append(number(g.strata())).append(" | ").append(number(g.fuseOverlayfs()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", g.ratio())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", g.goal())).append(" | ").append(g.verdict()).append(" |\n");
        }
        return sb.toString();
    }

    private Goal goal(String name, WarmCase c, double atLeast) {
        double s = median(c, STRATA);
        double f = median(c, FUSE_OVERLAYFS);
        return new Goal(name, c, atLeast, s, f, s / f);
    }

    private Report.Table table(WarmCase c, Map<String, Samples> byTarget, Map<String, String> coldSources) {
        double fuse = byTarget.containsKey(FUSE_OVERLAYFS) ? byTarget.get(FUSE_OVERLAYFS).median() : Double.NaN;
        double plain = byTarget.containsKey(PLAIN) ? byTarget.get(PLAIN).median() : Double.NaN;
        List<Report.Row> rows = new ArrayList<>();
        byTarget.forEach((t, s) -> rows.add(new Report.Row(c.id() + "-" + t, List.of(t), s,
                List.of(Report.ratio(s.median(), fuse), Report.ratio(s.median(), plain)))));
        StringBuilder note = new StringBuilder("Caches: ").append(c.caches()).append('.');
        long disturbed = runs.get(c).stream().filter(WarmRounds.Run::disturbed).count();
        if (disturbed > 0) {
            note.append(" ").append(disturbed).append(" of ").append(runs.get(c).size()).append(" runs had the caches"
                    + " dropped by another process during them (results.csv): a warm case may have run cold, a cold one"
                    + " colder.");
        }
        if (c == WarmCase.SEQ_COLD || c == WarmCase.RANDOM_COLD) {
            note.append(" Bytes come from:");
            coldSources.forEach((t, src) -> note.append(" ").append(t).append(": ").append(src).append(';'));
            note.setLength(note.length() - 1);
            note.append('.');
        }
        return new Report.Table(c.title(), note.toString(), List.of("target"), c.unit(),
                List.of("vs fuse-overlayfs", "vs plain"), rows);
    }

    private String csv() {
        StringBuilder sb = new StringBuilder("case,target,unit,repetition,rate,seconds,disturbed\n");
        runs.forEach((c, list) -> list.forEach(r -> sb.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.3f,%.6f,%b%n",
                c.id(), r.target(), c.unit(), r.repetition() + 1, r.rate(), r.seconds(), r.disturbed()))));
        return sb.toString();
    }

    private List<GroupedBarChart.Group> chartGroups() {
        List<GroupedBarChart.Group> groups = new ArrayList<>();
        for (WarmCase c : samples.keySet()) {
            double plain = median(c, PLAIN);
            List<Double> ratios = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (String t : targets) {
                double m = median(c, t);
                ratios.add(m / plain);
                labels.add(number(m) + " " + c.unit());
            }
            groups.add(new GroupedBarChart.Group(c.id(), ratios, labels));
        }
        return groups;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : Report.number(v);
    }
}
