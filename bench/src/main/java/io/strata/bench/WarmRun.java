package io.strata.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.bench.coldstart.Registry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run of {@code strata bench warm}, in order: image, baselines' copies, registry, targets (each checked to show
 * the plain directory's tree), strata's cache filled and its bytes checked, the measured rounds, the report.
 * Everything it mounts or starts is registered with the {@link Cleanup} first, so a failure at any step leaves
 * nothing mounted or running.
 */
final class WarmRun {

    private final WarmSetup setup;
    private final Path work;
    private final Cleanup cleanup;
    private final PrintStream progress;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final long started = System.nanoTime();

    WarmRun(WarmSetup setup, Path work, Cleanup cleanup, PrintStream progress) {
        this.setup = setup;
        this.work = work;
        this.cleanup = cleanup;
        this.progress = progress;
    }

    /** Runs everything and writes the results; returns the Markdown report. */
    String run() throws Exception {
        Machine machine = Machine.probe(work);
        say("choosing host files and writing the image into " + work);
        BenchImage.Built image = BenchImage.build(setup.image(), work.resolve("image"));
        say("unpacking it for the baselines (umoci unpack; tar per layer)");
        Unpacked unpacked = Unpacked.of(image, work.resolve("unpacked"));
        Registry registry = Registry.start(work.resolve("registry"));
        cleanup.add("stop the registry", registry::close);
        say("pushing it to " + registry.host() + (setup.format().equals("estargz") ? " and converting it to eStargz" : ""));
        String ref = BenchImage.push(image, registry.host(), setup.format(), Files.createDirectories(work.resolve("spool")));

        Path mnt = work.resolve("mnt");
        if (setup.service()) {
            StrataTarget.startService(setup.strataClassPath());
            cleanup.add("stop the strata service", () -> StrataTarget.stopService(setup.strataClassPath()));
        }
        Target plain = Baselines.plain(unpacked.plain());
        Target overlay = Baselines.kernelOverlay(unpacked, mnt.resolve("overlay"));
        Target fuse = Baselines.fuseOverlayfs(unpacked, mnt.resolve("fuse-overlayfs"));
        StrataTarget strata = new StrataTarget(setup.strataClassPath(), ref, work.resolve("cache"),
                (setup.dataBytes() * 3 / (1 << 20) + 1024) + "M", mnt.resolve("strata"),
                setup.jfr() ? setup.out().resolve("jfr") : null, setup.service());
        List<Target> targets = List.of(plain, overlay, fuse, strata);
        for (Target t : targets) {
            cleanup.add("unmount " + t.name() + " at " + t.root(), t::close);
        }

        Workloads.TreeCount tree = Workloads.walk(plain.root());
        say("the plain directory holds " + tree);
        for (Target t : List.of(overlay, fuse)) {
            t.remount("tree-check");
            Workloads.TreeCount seen = Workloads.walk(t.root());
            if (!seen.equals(tree)) {
                throw new IOException(t.name() + " over the unpacked layers shows " + seen + ", the plain directory "
                        + tree + ": the layers were not unpacked or their whiteouts not converted as they should");
            }
        }
        fillStrata(strata, plain, tree);

        long[] sizes = new long[image.bigFiles().size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Files.size(plain.root().resolve(image.bigFiles().get(i)));
        }
        Workloads.RandomPlan plan = Workloads.RandomPlan.of(sizes, setup.randomReads(), setup.image().seed());
        say("measuring " + setup.repetitions() + " round(s) of " + WarmCase.values().length + " cases on "
                + targets.size() + " targets");
        CacheDrops drops = new CacheDrops();
        WarmRounds rounds = new WarmRounds(targets, image.bigFiles(), plan, tree, drops, progress);
        Map<WarmCase, List<WarmRounds.Run>> runs = rounds.run(setup.repetitions());
        settings.put("other processes", !drops.counted() ? "this kernel does not count cache drops (/proc/vmstat):"
                + " drops by other processes went unnoticed" : drops.foreign() + " cache drops by other processes during"
                + " the rounds; " + rounds.repeatedGroups() + " groups of cases were run again because of them (at most "
                + WarmRounds.ATTEMPTS + " attempts; a run still disturbed is marked in results.csv)");
        for (Target t : targets) {
            t.close();
        }
        if (setup.jfr()) {
            summarizeProfiles(setup.out().resolve("jfr"));
        }

        describe(image, tree, unpacked);
        Report report = new Report("strata bench warm", machine, settings);
        Map<String, String> coldSources = new LinkedHashMap<>();
        targets.forEach(t -> coldSources.put(t.name(), t.coldSource()));
        WarmReport warm = new WarmReport(report, targets.stream().map(Target::name).toList(), runs, coldSources);
        report.setting("load average at end (1/5/15 min)", Machine.currentLoadAverage() + " (more than the CPU count"
                + " means other work competed with the benchmark)");
        return warm.write(setup.out());
    }

    /**
     * Mounts strata on its empty cache, reads every file once (which fetches every chunk from the registry into the
     * cache) and checks that it read the plain directory's bytes; unmounts.
     */
    private void fillStrata(StrataTarget strata, Target plain, Workloads.TreeCount tree) throws IOException {
        say("filling strata's cache: mounting " + strata.root() + " with --prefetch all, then reading every file once");
        long start = System.nanoTime();
        strata.mountAndPrefetchAll(3600);
        double prefetched = (System.nanoTime() - start) / 1e9;
        Workloads.TreeCount seen = Workloads.walk(strata.root());
        if (!seen.equals(tree)) {
            throw new IOException("strata shows " + seen + ", the plain directory " + tree);
        }
        SortedMap<String, Long> strataSums = Workloads.checksums(strata.root());
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode status = strata.status();
        strata.close();
        SortedMap<String, Long> plainSums = Workloads.checksums(plain.root());
        if (!strataSums.equals(plainSums)) {
            String first = plainSums.keySet().stream().filter(p -> !plainSums.get(p).equals(strataSums.get(p)))
                    .findFirst().orElse(strataSums.keySet().stream().filter(p -> !plainSums.containsKey(p)).findFirst()
                            .orElse("?"));
            throw new IOException("strata and the plain directory differ, first at " + first + " (CRC-32C "
                    + strataSums.get(first) + " vs " + plainSums.get(first) + ")");
        }
        long fetched = 0;
        StringBuilder formats = new StringBuilder();
        for (JsonNode layer : status.path("layers")) {
            fetched += layer.path("bytesFetched").asLong();
            formats.append(formats.length() == 0 ? "" : ", ").append(layer.path("format").asText())
                    .append(layer.path("lazy").asBoolean() ? " (lazy)" : " (whole)");
        }
        settings.put("strata's cache", String.format(Locale.ROOT, "filled before measuring by one mount with"
                + " --prefetch all (%.1f s from mount to prefetch done), then every file read once through it (%.1f s in"
                + " all); %s fetched from the registry; layers: %s; every file's CRC-32C equals the plain directory's",
                prefetched, seconds, Machine.human(fetched), formats));
        say(settings.get("strata's cache"));
    }

    private void describe(BenchImage.Built image, Workloads.TreeCount tree, Unpacked unpacked) throws IOException {
        settings.put("command", setup.command());
        String units = image.hostUnits().stream().map(List::size).map(String::valueOf).collect(Collectors.joining(" + "));
        settings.put("image", String.format(Locale.ROOT, "4 uncompressed tar layers: 1-3 hold %s subtrees of %s (%s of"
                        + " files, dealt in turn); 4 holds %d x %s of random bytes (%s) and the union cases; pushed to a"
                        + " local docker-registry as %s; the merged tree has %s",
                units, setup.image().trees(), Machine.human(setup.image().treeBytes()) + " at most",
                setup.image().bigFiles(), Machine.human(setup.image().bigFileBytes()),
                String.join(", ", image.bigFiles()), setup.format().equals("estargz")
                        ? "tar, and converted to eStargz (4 MiB chunks) which strata mounts" : "tar, which strata mounts",
                tree));
        settings.put("union cases (top layer)", String.join("; ", image.cases()));
        settings.put("targets", "plain: " + unpacked.plain() + " (umoci unpack); overlay: mount -t overlay -o ro,"
                + "lowerdir=4:3:2:1 (tar per layer, whiteouts as 0:0 devices, opaque as trusted.overlay.opaque); "
                + fuseOverlayfsVersion() + ": -o lowerdir=4:3:2:1, default options; strata: strata mount"
                + (setup.service() ? " through a resident strata service started for the run (a new mount each time,"
                        + " with its own empty memory tier, in a JVM that stays)" : " --no-service (a new process each time)")
                + " --prefetch none (read-only, kernel_cache, 3600 s timeouts)");
        settings.put("workloads", String.format(Locale.ROOT, "one Java code path for all: sequential read of the large"
                + " files through FileChannel in 1 MiB reads into a direct buffer (MB = 10^6 bytes); %d random 4 KiB"
                + " positional reads (seed %d) over them; find+stat = Files.walkFileTree, one lstat per entry; ls -lR"
                + " (GNU ls, output discarded); entries/s counts every file, directory and symlink",
                setup.randomReads(), setup.image().seed()));
        settings.put("repetitions", setup.repetitions() + " rounds, targets interleaved within each (order rotated per"
                + " round); median and p10/p90 of the rounds");
        settings.put("cold", "each target (re)mounted (" + (setup.service() ? "a new process for fuse-overlayfs, a new"
                + " mount in the resident service for strata" : "a new process for the FUSE daemons") + "), then sync; echo 3 >"
                + " /proc/sys/vm/drop_caches; O_DIRECT is not used (FUSE does not honour it), so cold means dropped caches");
    }

    private static String fuseOverlayfsVersion() {
        try {
            return Exec.run(30, List.of("fuse-overlayfs", "--version")).lines()
                    .filter(l -> l.startsWith("fuse-overlayfs")).findFirst().orElse("fuse-overlayfs")
                    .replace(": version", "");
        } catch (IOException e) {
            return "fuse-overlayfs";
        }
    }

    /** Writes NAME.txt ({@link JfrSummary}) next to every NAME.jfr in {@code dir}. */
    private void summarizeProfiles(Path dir) throws IOException {
        List<Path> recordings;
        try (Stream<Path> s = Files.list(dir)) {
            recordings = s.filter(p -> p.toString().endsWith(".jfr")).sorted().toList();
        }
        for (Path r : recordings) {
            Files.writeString(r.resolveSibling(r.getFileName().toString().replace(".jfr", ".txt")), JfrSummary.of(r));
        }
        say("JFR profiles of the strata mounts and their summaries in " + dir);
    }

    private void say(String line) {
        progress.printf(Locale.ROOT, "strata bench warm: [%.0f s] %s%n", (System.nanoTime() - started) / 1e9, line);
    }
}
