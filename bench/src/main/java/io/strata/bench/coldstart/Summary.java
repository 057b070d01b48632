package io.strata.bench.coldstart;

import io.strata.bench.Samples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The runs of one image × mode × workload reduced to what the report shows: medians with min and max over the
 * successful repetitions, and the ratio of the median total to the legacy baseline's of the same image and workload.
 */
record Summary(String image, String mode, String workload, int runs, int failed, Stat mount, Stat run, Stat total,
               Stat bytes, Stat requests, double percentOfImage, double ratioToLegacy) {

    /** Median, min and max; NaN when no repetition succeeded. */
    record Stat(double median, double min, double max) {
        static final Stat NONE = new Stat(Double.NaN, Double.NaN, Double.NaN);

        static Stat of(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
            if (runs.isEmpty()) {
                return NONE;
            }
            Samples s = new Samples(runs.stream().mapToDouble(f).toArray());
            return new Stat(s.median(), s.percentile(0), s.percentile(100));
        }
    }

    /**
     * Summarizes {@code results} per image, workload and mode, in the order they first appear.
     *
     * @param imageBytes the compressed size of each image's plain layers, by image name
     */
    static List<Summary> of(List<RunResult> results, Map<String, Long> imageBytes) {
        Map<List<String>, List<RunResult>> groups = new LinkedHashMap<>();
        for (RunResult r : results) {
            groups.computeIfAbsent(List.of(r.image(), r.workload(), r.mode()), k -> new ArrayList<>()).add(r);
        }
        List<Summary> out = new ArrayList<>();
        for (var e : groups.entrySet()) {
            List<RunResult> all = e.getValue();
            List<RunResult> ok = all.stream().filter(RunResult::ok).toList();
            String image = e.getKey().get(0);
            Stat total = Stat.of(ok, RunResult::totalSeconds);
            Stat bytes = Stat.of(ok, RunResult::bytes);
            List<RunResult> legacy = groups.getOrDefault(List.of(image, e.getKey().get(1), Modes.BASELINE), List.of())
                    .stream().filter(RunResult::ok).toList();
            double legacyTotal = Stat.of(legacy, RunResult::totalSeconds).median();
            long size = imageBytes.getOrDefault(image, 0L);
            out.add(new Summary(image, e.getKey().get(2), e.getKey().get(1), all.size(), all.size() - ok.size(),
                    Stat.of(ok, RunResult::mountSeconds), Stat.of(ok, RunResult::runSeconds), total, bytes,
                    Stat.of(ok, RunResult::requests), size > 0 ? 100.0 * bytes.median() / size : Double.NaN,
                    legacyTotal > 0 ? total.median() / legacyTotal : Double.NaN));
        }
        return out;
    }
}
