package io.strata.bench.coldstart;

import io.strata.bench.Machine;
import io.strata.bench.netem.Calibration;
import io.strata.bench.netem.LinkProfile;
import java.util.List;
import java.util.Map;

/**
 * Everything a cold-start benchmark measured, as written to {@code results.json}: how it ran, on what, every run
 * and the summaries the report shows.
 *
 * @param command  the command line that reproduces the run
 * @param started  ISO-8601 time the run started
 * @param seconds  how long the whole benchmark took
 * @param machine  the machine (with the load average when the benchmark started)
 * @param loadAverageAtEnd the 1/5/15-minute load averages when it ended: other work on the machine is the first
 *                 suspect of a wide min–max
 * @param link     the emulated link, or null without one
 * @param service  whether strata mounts were served by {@code strata service}
 * @param images   the images under test
 * @param modes    the modes, in report order
 * @param runs     every run, in the order they ran
 * @param summary  per image × workload × mode
 */
record ColdStartResults(String command, String started, double seconds, Machine machine, String loadAverageAtEnd,
                        Link link, boolean service,
                        List<Image> images, List<ModeInfo> modes, List<RunResult> runs, List<Summary> summary) {

    ColdStartResults {
        images = List.copyOf(images);
        modes = List.copyOf(modes);
        runs = List.copyOf(runs);
        summary = List.copyOf(summary);
    }

    /**
     * The emulated link, configured and measured by a calibration through the same proxy code.
     *
     * @param configured      e.g. {@code up 10 ms, 200 Mbit/s; down 10 ms, 200 Mbit/s}
     * @param configuredRttMs the round trip the delays add
     * @param configuredMbit  the download rate, Mbit/s (0: unlimited)
     * @param measuredRttMs   median ping round trip
     * @param measuredMbit    bulk download rate
     * @param calibration     the calibration's own two-line description
     */
    record Link(String configured, double configuredRttMs, double configuredMbit, double measuredRttMs,
                double measuredMbit, String calibration) {

        static Link of(LinkProfile profile, Calibration.Result measured) {
            return new Link(profile.describe(), profile.rtt().toNanos() / 1e6, profile.downBitsPerSecond() / 1e6,
                    measured.rttMedian().toNanos() / 1e6, measured.downBitsPerSecond() / 1e6, measured.describe());
        }
    }

    /**
     * An image under test.
     *
     * @param layerBytes   compressed size of its plain layers (what a full pull fetches)
     * @param workloads    workload name to what it runs
     * @param profileFiles for eStargz-optimized images: files in each workload's recorded profile
     */
    record Image(String name, String description, String source, int layers, long layerBytes,
                 Map<String, String> workloads, Map<String, Integer> profileFiles) {
    }

    /** A mode and what it does. */
    record ModeInfo(String name, String description) {
    }

    boolean allOk() {
        return runs.stream().allMatch(RunResult::ok);
    }
}
