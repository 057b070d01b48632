package io.strata.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every {@link WarmCase} on every target, {@code repetitions} times, in rounds: within a round each group of
 * cases runs on one target after the other (the order rotates by one target per round), so that a slow minute of
 * a shared machine falls on every target rather than on one. Every walk must see the tree the plain directory has.
 */
final class WarmRounds {

    /** {@code /proc/sys/vm/drop_caches}: 3 frees the clean page cache, dentries and inodes (man 5 proc). */
    static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    /** One timed repetition: the rate, and how long it took. */
    record Run(int repetition, String target, double rate, double seconds) {
    }

    /** The workload of one case against one target; returns the work done in the case's unit times seconds. */
    @FunctionalInterface
    private interface Workload {
        double run(Target t) throws IOException;
    }

    private final List<Target> targets;
    private final List<Path> bigFiles;
    private final Workloads.RandomPlan plan;
    private final Workloads.TreeCount tree;
    private final PrintStream progress;
    private final Map<WarmCase, List<Run>> runs = new EnumMap<>(WarmCase.class);

    /**
     * @param bigFiles the image paths of the large files, relative to each target's root
     * @param tree     what a walk of every target must see
     */
    WarmRounds(List<Target> targets, List<String> bigFileNames, Workloads.RandomPlan plan, Workloads.TreeCount tree,
               PrintStream progress) {
        this.targets = List.copyOf(targets);
        this.bigFiles = bigFileNames.stream().map(Path::of).toList();
        this.plan = plan;
        this.tree = tree;
        this.progress = progress;
        for (WarmCase c : WarmCase.values()) {
            runs.put(c, new ArrayList<>());
        }
    }

    /** Runs {@code repetitions} rounds; returns every run by case, in the order they ran. */
    Map<WarmCase, List<Run>> run(int repetitions) throws IOException {
        for (int rep = 0; rep < repetitions; rep++) {
            List<Target> order = new ArrayList<>(targets);
            java.util.Collections.rotate(order, -rep);
            String round = "round " + (rep + 1) + "/" + repetitions;
            for (Target t : order) {
                fresh(t);
                measure(round, rep, t, WarmCase.SEQ_COLD, this::sequential);
                measure(round, rep, t, WarmCase.SEQ_WARM, this::sequential);
                measure(round, rep, t, WarmCase.RANDOM_WARM, this::random);
            }
            for (Target t : order) {
                fresh(t);
                measure(round, rep, t, WarmCase.RANDOM_COLD, this::random);
            }
            for (Target t : order) {
                fresh(t);
                measure(round, rep, t, WarmCase.WALK_COLD, this::walk);
                dropCaches();
                measure(round, rep, t, WarmCase.WALK_DROPPED, this::walk);
                measure(round, rep, t, WarmCase.WALK_WARM, this::walk);
            }
            for (Target t : order) {
                fresh(t);
                measure(round, rep, t, WarmCase.LS_COLD, this::list);
                measure(round, rep, t, WarmCase.LS_WARM, this::list);
            }
        }
        Map<WarmCase, List<Run>> copy = new LinkedHashMap<>();
        runs.forEach((c, r) -> copy.put(c, List.copyOf(r)));
        return copy;
    }

    /** {@code sync; echo 3 > /proc/sys/vm/drop_caches}. */
    static void dropCaches() throws IOException {
        Exec.run(600, List.of("sync"));
        try {
            Files.writeString(DROP_CACHES, "3\n");
        } catch (IOException e) {
            throw new IOException("cannot drop the caches through " + DROP_CACHES + " (" + e + "); run as root", e);
        }
    }

    private void fresh(Target t) throws IOException {
        t.remount();
        dropCaches();
    }

    private void measure(String round, int rep, Target t, WarmCase c, Workload w) throws IOException {
        long start = System.nanoTime();
        double work = w.run(t);
        double seconds = Math.max(1, System.nanoTime() - start) / 1e9;
        double rate = work / seconds;
        runs.get(c).add(new Run(rep, t.name(), rate, seconds));
        progress.printf(Locale.ROOT, "strata bench warm: %s %-14s %-12s %,12.1f %s (%.2f s)%n", round, t.name(), c.id(),
                rate, c.unit(), seconds);
    }

    private double sequential(Target t) throws IOException {
        return Workloads.sequentialRead(files(t)) / 1e6;
    }

    private double random(Target t) throws IOException {
        return Workloads.randomRead(files(t), plan);
    }

    private double walk(Target t) throws IOException {
        Workloads.TreeCount seen = Workloads.walk(t.root());
        if (!seen.equals(tree)) {
            throw new IOException("a walk of " + t.name() + " at " + t.root() + " saw " + seen + ", the plain directory"
                    + " has " + tree + ": the targets do not show the same tree");
        }
        return seen.entries();
    }

    private double list(Target t) throws IOException {
        Workloads.listRecursive(t.root());
        return tree.entries();
    }

    private List<Path> files(Target t) {
        return bigFiles.stream().map(f -> t.root().resolve(f.toString())).toList();
    }
}
