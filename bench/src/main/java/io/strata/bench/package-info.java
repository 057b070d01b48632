/**
 * Benchmarks of Strata, and the only place where the project measures time: unit tests never assert a
 * duration. Each benchmark measures its baseline in the same run (a plain file next to the cache, say) and
 * reports ratios to it, with the median and p10/p90 of several repetitions after warm-up ones, under a header
 * that describes the machine.
 *
 * <p>Subpackages: {@code netem} (the emulated WAN link), {@code coldstart} ({@code strata bench coldstart}, cold
 * starts of images: legacy pull + unpack against every strata mode, with a report, CSV/JSON and charts) and
 * {@code chart} (the PNG bar charts of the warm and cold-start reports).
 *
 * <p>Entry points: {@link io.strata.bench.BenchMain} ({@code ./strata bench cache}, which puts the thin bench jar beside the fs jar)
 * and {@link io.strata.bench.BenchCommand}, the {@code strata bench} subcommand.
 *
 * <p>{@code strata bench warm} ({@link io.strata.bench.WarmBench}) measures whole mounts rather than the cache: it builds
 * an image from host files, serves it from a local registry, and runs one Java workload code path against four
 * {@link io.strata.bench.Target}s over the same data (the plain unpacked directory, kernel overlayfs, fuse-overlayfs,
 * a strata mount), each mounted, unmounted and cleaned up by the benchmark itself ({@link io.strata.bench.Cleanup}).
 */
package io.strata.bench;
