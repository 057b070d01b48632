package io.strata.bench.coldstart;

import io.strata.bench.Machine;
import io.strata.bench.netem.Calibration;
import io.strata.bench.netem.NetemProxy;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link ColdStartPlan}: builds the images, starts a private registry (and the emulated link in front of
 * it), pushes every format the modes need, then runs each image × workload × mode for every repetition, the modes
 * interleaved so that a slow minute of the machine spreads over all of them. Every registry, proxy and mount it
 * starts is gone when it returns, whether it succeeded or not.
 */
final class ColdStart {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private final ColdStartPlan plan;
    private final PrintWriter log;

    ColdStart(ColdStartPlan plan, PrintWriter log) {
        this.plan = plan;
        this.log = log;
    }

    ColdStartResults run() throws IOException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Files.createDirectories(plan.workDir());
        Proc proc = new Proc(plan.workDir().resolve("tmp"), Map.of("LC_ALL", "C.UTF-8"));
        try {
            return measure(proc, started, t0);
        } finally {
            cleanUp(proc);
        }
    }

    private ColdStartResults measure(Proc proc, Instant started, long t0) throws IOException {
        StrataCli strata = new StrataCli(proc, plan.classPath());
        if (plan.service() && !strata.knows("service")) {
            throw new IOException("--service: this strata has no 'service' command (strata service --help does not show"
                    + " its usage);"
                    + " the resident mount service is not in this build yet. Run without --service.");
        }
        Machine machine = Machine.probe(plan.workDir());
        ImageBuilder builder = new ImageBuilder(plan.imageCache(), proc, plan.workDir().resolve("tmp"));
        List<BenchImage> images = new ArrayList<>();
        for (BenchImage image : plan.images()) {
            images.add(image.recipe() == null ? image
                    : image.withSource("oci:" + builder.layout(image.recipe(), log) + ":" + image.recipe().imageName()));
        }
        Set<Format> formats = EnumSet.noneOf(Format.class);
        plan.modes().forEach(m -> formats.addAll(m.needs()));

        List<RunResult> runs = new ArrayList<>();
        List<ColdStartResults.Image> imageInfo = new ArrayList<>();
        ColdStartResults.Link link = null;
        Registry registry = Registry.start(plan.workDir().resolve("registry"));
        NetemProxy proxy = null;
        if (plan.service()) {
            // Once for the whole benchmark, as a host runs it (like stargz-snapshotter's daemon before a HelloBench):
            // the untimed mounts that prepare the images go through it first, so the timed ones meet a warm JVM.
            // Every timed run still starts with an empty cache and a dropped page cache.
            strata.check("service", "start");
        }
        try {
            String linkHost = registry.host();
            if (plan.link() != null) {
                proxy = NetemProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), registry.port()),
                        plan.link());
                linkHost = proxy.hostPort();
                Calibration.Result c = Calibration.measure(plan.link(), 20, calibrationBytes(plan.link()));
                link = ColdStartResults.Link.of(plan.link(), c);
                log.println("emulated link " + plan.link().describe() + "\n" + c.describe());
            }
            RegistryTraffic traffic = new RegistryTraffic(registry.accessLog());
            for (BenchImage image : images) {
                log.println("image " + image.name() + ": pushing the formats under test to " + registry.host());
                log.flush();
                Path imageDir = Files.createDirectories(plan.workDir().resolve("images").resolve(image.name()));
                Publisher.Published published = new Publisher(strata, registry.host(), imageDir, log)
                        .publish(image, formats);
                Map<String, String> workloads = new LinkedHashMap<>();
                image.workloads().forEach(w -> workloads.put(w.name(), w.description()));
                imageInfo.add(new ColdStartResults.Image(image.name(), image.description(), image.source(),
                        published.layers(), published.layerBytes(), workloads, published.profileFiles()));
                for (Mode mode : plan.modes()) {
                    mode.prepareImage(new RunContext(strata, proc, linkHost, registry.host(), published,
                            image.workloads().get(0), imageDir, plan.workDir().resolve("mnt"), plan.service()));
                }
                int total = plan.repetitions() * image.workloads().size() * plan.modes().size();
                for (int rep = 1; rep <= plan.repetitions(); rep++) {
                    for (Workload w : image.workloads()) {
                        for (Mode mode : plan.modes()) {
                            RunContext ctx = new RunContext(strata, proc, linkHost, registry.host(), published, w,
                                    imageDir, plan.workDir().resolve("mnt"), plan.service());
                            RunResult r = runOnce(image.name(), mode, ctx, rep, traffic);
                            runs.add(r);
                            log.println(progress(r, runs.size() - imageRunsBefore(runs, image.name()), total));
                            log.flush();
                        }
                    }
                }
            }
        } finally {
            if (plan.service()) {
                strata.check("service", "stop");
            }
            if (proxy != null) {
                proxy.close();
            }
            registry.close();
        }
        List<ColdStartResults.ModeInfo> modes = plan.modes().stream()
                .map(m -> new ColdStartResults.ModeInfo(m.name(), m.description())).toList();
        Map<String, Long> sizes = new LinkedHashMap<>();
        imageInfo.forEach(i -> sizes.put(i.name(), i.layerBytes()));
        return new ColdStartResults(plan.command(), started.toString(), (System.nanoTime() - t0) / 1e9, machine,
                Machine.currentLoadAverage(), link,
                plan.service(), imageInfo, modes, runs, Summary.of(runs, sizes));
    }

    /** One cold start: prepare (untimed), drop the page cache, pull/mount (timed), run (timed), close (untimed). */
    private RunResult runOnce(String image, Mode mode, RunContext ctx, int rep, RegistryTraffic traffic) {
        double mountSeconds = 0;
        double runSeconds = 0;
        RegistryTraffic.Traffic mountTraffic = RegistryTraffic.Traffic.NONE;
        RegistryTraffic.Traffic runTraffic = RegistryTraffic.Traffic.NONE;
        Map<String, Double> detail = Map.of();
        String output = null;
        String error = null;
        Mode.Session session = null;
        try {
            session = mode.open(ctx);
            dropCaches(ctx.proc());
            traffic.reset();
            long t0 = System.nanoTime();
            Path root = session.start();
            mountSeconds = (System.nanoTime() - t0) / 1e9;
            detail = session.detail();
            mountTraffic = traffic.take();
            if (ctx.workload().needsProc() && !Files.isDirectory(root.resolve("proc"))) {
                throw new IOException("workload " + ctx.workload().name() + " needs /proc but the image has no /proc"
                        + " directory to mount it on");
            }
            Proc.Result r = ctx.proc().run(ctx.workload().hostCommand(root), RUN_TIMEOUT);
            runSeconds = r.seconds();
            output = firstLine(r.output());
            if (!r.ok()) {
                error = "the workload exited with status " + r.exitCode() + ": " + Proc.tail(r.output());
            } else if (!ctx.workload().accepts(r.output())) {
                error = "the workload's output is not what it prints: " + Proc.tail(r.output());
            }
        } catch (IOException | RuntimeException e) {
            error = e.getMessage();
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (IOException | RuntimeException e) {
                    error = error != null ? error : "closing: " + e.getMessage();
                }
            }
        }
        try {
            traffic.settle();
            runTraffic = traffic.take();
        } catch (IOException e) {
            error = error != null ? error : "reading the registry's access log: " + e.getMessage();
        }
        return new RunResult(image, mode.name(), ctx.workload().name(), rep, mountSeconds, runSeconds, detail,
                mountTraffic.requests(), mountTraffic.bytes(), runTraffic.requests(), runTraffic.bytes(), output, error);
    }

    /** {@code sync; echo 3 > /proc/sys/vm/drop_caches}: page cache, dentries and inodes (proc(5)). */
    private static void dropCaches(Proc proc) throws IOException {
        proc.check(List.of("sync"), Duration.ofMinutes(5));
        Files.writeString(DROP_CACHES, "3\n", StandardCharsets.US_ASCII);
    }

    /** Unmounts whatever is still mounted under the work directory, then deletes it. */
    private void cleanUp(Proc proc) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 1 && f[1].startsWith(plan.workDir().toString() + "/")) {
                    proc.run(List.of("umount", "-l", f[1]), Duration.ofSeconds(30));
                }
            }
            ImageBuilder.deleteTree(plan.workDir());
        } catch (IOException e) {
            log.println("warning: could not clean up " + plan.workDir() + ": " + e.getMessage());
        }
    }

    /** About two seconds of the link's rate, between 1 and 32 MiB. */
    static long calibrationBytes(io.strata.bench.netem.LinkProfile link) {
        long rate = link.downBitsPerSecond() == 0 ? Long.MAX_VALUE / 8 : link.downBitsPerSecond() / 8;
        return Math.max(1L << 20, Math.min(32L << 20, rate * 2));
    }

    private static int imageRunsBefore(List<RunResult> runs, String image) {
        return (int) runs.stream().filter(r -> !r.image().equals(image)).count();
    }

    private static String firstLine(String output) {
        String s = output.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String progress(RunResult r, int done, int total) {
        return String.format(Locale.ROOT, "[%s %d/%d] %s %s #%d: pull/mount %.2f s + run %.2f s = %.2f s, %s in %d"
                        + " requests%s", r.image(), done, total, r.workload(), r.mode(), r.repetition(), r.mountSeconds(),
                r.runSeconds(), r.totalSeconds(), Machine.human(r.bytes()), r.requests(),
                r.ok() ? "" : " FAILED: " + r.error());
    }
}
