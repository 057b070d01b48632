package io.strata.bench.coldstart;

import io.strata.bench.netem.LinkProfile;
import java.nio.file.Path;
import java.util.List;

/**
 * A cold-start benchmark to run, validated by {@link ColdStartCommand}.
 *
 * @param images      the images and their workloads
 * @param modes       the modes, in report order (legacy first when chosen)
 * @param repetitions runs of each image × workload × mode
 * @param link        the emulated link between clients and the registry, or null for none
 * @param resultsDir  where the report goes
 * @param workDir     scratch space (registry storage, caches, unpacked trees); deleted at the end
 * @param imageCache  where built-in images' layouts are kept across runs
 * @param service     whether strata modes mount through a resident {@code strata service}
 * @param classPath   the class path of the {@code strata} command line to run
 * @param command     the command line that reproduces this run, for the report
 */
record ColdStartPlan(List<BenchImage> images, List<Mode> modes, int repetitions, LinkProfile link, Path resultsDir,
                     Path workDir, Path imageCache, boolean service, String classPath, String command) {

    ColdStartPlan {
        images = List.copyOf(images);
        modes = List.copyOf(modes);
        if (images.isEmpty() || modes.isEmpty()) {
            throw new IllegalArgumentException("a benchmark needs at least one --image and one --mode");
        }
        if (repetitions < 1 || repetitions > 100) {
            throw new IllegalArgumentException("--repetitions " + repetitions + " is outside 1 to 100");
        }
    }
}
