package io.strata.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every {@link WarmCase} on every target, {@code repetitions} times, in rounds: within a round each group of
 * cases runs on one target after the other (the order rotates by one target per round), so that a slow minute of
 * a shared machine falls on every target rather than on one. Every walk must see the tree the plain directory has.
 * A group with a warm case whose caches another process dropped meanwhile ({@link CacheDrops#foreign()}) is run
 * again, up to {@value #ATTEMPTS} times; the runs of a last, still disturbed attempt are kept and marked. A group of
 * cold cases only is not run again (a foreign drop makes it colder still): its runs are marked.
 */
final class WarmRounds {

    static final int ATTEMPTS = 3;

    /**
     * One timed repetition: the rate, how long it took, and whether another process dropped the caches during its
     * group (its warm cases may then have run cold).
     */
    record Run(int repetition, String target, double rate, double seconds, boolean disturbed) {
    }

    /** The workload of one case against one target; returns the work done in the case's unit. */
    @FunctionalInterface
    private interface Workload {
        double run(Target t) throws IOException;
    }

    /** Cases run one after the other on one target, from a fresh mount; their runs go to {@code into}. */
    @FunctionalInterface
    private interface Group {
        void run(Target t, List<Pending> into) throws IOException;
    }

    private record Pending(WarmCase c, double rate, double seconds) {
    }

    private final List<Target> targets;
    private final List<Path> bigFiles;
    private final Workloads.RandomPlan plan;
    private final Workloads.TreeCount tree;
    private final CacheDrops drops;
    private final PrintStream progress;
    private final Map<WarmCase, List<Run>> runs = new EnumMap<>(WarmCase.class);
    private int repeatedGroups;

    /**
     * @param bigFileNames the image paths of the large files, relative to each target's root
     * @param tree         what a walk of every target must see
     */
    WarmRounds(List<Target> targets, List<String> bigFileNames, Workloads.RandomPlan plan, Workloads.TreeCount tree,
               CacheDrops drops, PrintStream progress) {
        this.targets = List.copyOf(targets);
        this.bigFiles = bigFileNames.stream().map(Path::of).toList();
        this.plan = plan;
        this.tree = tree;
        this.drops = drops;
        this.progress = progress;
        for (WarmCase c : WarmCase.values()) {
            runs.put(c, new ArrayList<>());
        }
    }

    /** Runs {@code repetitions} rounds; returns every run by case, in the order they ran. */
    Map<WarmCase, List<Run>> run(int repetitions) throws IOException {
        for (int rep = 0; rep < repetitions; rep++) {
            List<Target> order = new ArrayList<>(targets);
            Collections.rotate(order, -rep);
            String round = "round " + (rep + 1) + "/" + repetitions;
            for (Target t : order) {
                group(round, rep, t, "seq", true, (target, into) -> {
                    measure(round, target, WarmCase.SEQ_COLD, this::sequential, into);
                    measure(round, target, WarmCase.SEQ_WARM, this::sequential, into);
                    measure(round, target, WarmCase.RANDOM_WARM, this::random, into);
                });
            }
            for (Target t : order) {
                group(round, rep, t, "random", false, (target, into) -> measure(round, target, WarmCase.RANDOM_COLD, this::random, into));
            }
            for (Target t : order) {
                group(round, rep, t, "walk", true, (target, into) -> {
                    measure(round, target, WarmCase.WALK_COLD, this::walk, into);
                    drops.drop();
                    measure(round, target, WarmCase.WALK_DROPPED, this::walk, into);
                    measure(round, target, WarmCase.WALK_WARM, this::walk, into);
                });
            }
            for (Target t : order) {
                group(round, rep, t, "ls", true, (target, into) -> {
                    measure(round, target, WarmCase.LS_COLD, this::list, into);
                    measure(round, target, WarmCase.LS_WARM, this::list, into);
                });
            }
        }
        Map<WarmCase, List<Run>> copy = new LinkedHashMap<>();
        runs.forEach((c, r) -> copy.put(c, List.copyOf(r)));
        return copy;
    }

    /** Groups run again because another process dropped the caches during them. */
    int repeatedGroups() {
        return repeatedGroups;
    }

    /**
     * Runs {@code group} on {@code t} from a fresh mount and dropped caches; again if another process dropped them
     * meanwhile and the group has a {@code warm} case.
     */
    private void group(String round, int rep, Target t, String name, boolean warm, Group group) throws IOException {
        for (int attempt = 1; ; attempt++) {
            t.remount("round" + (rep + 1) + "-" + name + (attempt > 1 ? "-again" + attempt : ""));
            drops.drop();
            long foreignBefore = drops.foreign();
            List<Pending> pending = new ArrayList<>();
            group.run(t, pending);
            boolean disturbed = drops.foreign() != foreignBefore;
            if (!disturbed || !warm || attempt == ATTEMPTS) {
                pending.forEach(p -> runs.get(p.c()).add(new Run(rep, t.name(), p.rate(), p.seconds(), disturbed)));
                if (disturbed && warm) {
                    progress.println("strata bench warm: another process dropped the caches during each of " + ATTEMPTS
                            + " attempts; keeping the last, marked as disturbed");
                }
                return;
            }
            repeatedGroups++;
            progress.println("strata bench warm: another process dropped the caches meanwhile; repeating "
                    + t.name() + "'s group");
        }
    }

    private void measure(String round, Target t, WarmCase c, Workload w, List<Pending> into) throws IOException {
        long start = System.nanoTime();
        double work = w.run(t);
        double seconds = Math.max(1, System.nanoTime() - start) / 1e9;
        double rate = work / seconds;
        into.add(new Pending(c, rate, seconds));
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
