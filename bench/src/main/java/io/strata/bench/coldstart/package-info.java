/**
 * {@code strata bench coldstart}: the cold-start benchmark (issue 5). HelloBench style: for each image × workload ×
 * mode, the time to make the image's tree available (pull + unpack, or mount) and the time of the workload run in a
 * chroot of it, with the bytes and requests the registry served, caches dropped before each run, the baseline in
 * the same run.
 *
 * <p>How it runs: {@link io.strata.bench.coldstart.ColdStartCommand} parses the flags into a {@code ColdStartPlan};
 * {@code ColdStart} builds the images ({@code ImageBuilder} runs the {@code Recipe} scripts of
 * {@code bench/scripts/images}, packaged in the jar, and keeps the layouts in {@code /var/cache/strata-bench}),
 * starts a private {@code Registry} and the netem proxy in front of it, pushes each image in every {@code Format}
 * the modes need ({@code Publisher}, with the strata commands a user runs), then runs each {@code Mode} —
 * {@code LegacyMode} (skopeo + umoci) and the {@code StrataMode}s — and reads the registry's access log
 * ({@code RegistryTraffic}) to count what each run fetched. {@code ReportWriter} writes {@code results.json},
 * {@code runs.csv}, {@code report.md} and a {@code ColdStartChart} per image.
 *
 * <p>A new way to start a container (a future {@code strata pull}, say) is one more {@code Mode} in {@code Modes}.
 */
package io.strata.bench.coldstart;
