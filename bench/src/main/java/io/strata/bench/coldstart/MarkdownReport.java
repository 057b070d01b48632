package io.strata.bench.coldstart;

import io.strata.bench.Machine;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.md}: per image, a table of medians per workload and mode (pull/mount, run, total with min–max,
 * bytes fetched and their share of the image, requests, total against legacy), its chart, then the link, the
 * machine, the modes and the failed runs.
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    /** @param chartFile the chart of each image, relative to the report, by image name */
    static String render(ColdStartResults r, java.util.function.Function<String, String> chartFile) {
        StringBuilder sb = new StringBuilder("# Cold start: pull/mount + run, side by side\n\n");
        sb.append("Reproduce: `").append(r.command()).append("`  \n");
        sb.append("Started ").append(r.started()).append(", took ").append(fmt("%.0f", r.seconds())).append(" s. ");
        sb.append("Medians of the successful repetitions, each column its own (so pull/mount + run need not add up to"
                + " the total), min–max of the totals; bytes and requests are the"
                + " registry's responses during the run (bodies only), the same count for every mode; \"% of image\""
                + " is of the plain image's compressed layers. Every run starts with the page cache dropped"
                + " (`sync; echo 3 > /proc/sys/vm/drop_caches`).\n\n");
        sb.append(linkText(r)).append("\n\n");
        for (ColdStartResults.Image image : r.images()) {
            sb.append("## ").append(image.name()).append("\n\n").append(image.description()).append(": ")
                    .append(image.layers()).append(" layers, ").append(Machine.human(image.layerBytes()))
                    .append(" compressed (").append(image.source()).append(").\n\n");
            sb.append("| workload | mode | pull/mount (s) | run (s) | total (s) | min–max (s) | fetched | % of image"
                    + " | requests | total vs legacy |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Summary s : r.summary()) {
                if (!s.image().equals(image.name())) {
                    continue;
                }
                sb.append("| ").append(s.workload()).append(" | ").append(s.mode())
                        .append(s.failed() > 0 ? " (" + s.failed() + " of " + s.runs() + " failed)" : "")
                        .append(" | ").append(fmt("%.2f", s.mount().median()))
                        .append(" | ").append(fmt("%.2f", s.run().median()))
                        .append(" | **").append(fmt("%.2f", s.total().median())).append("**")
                        .append(" | ").append(fmt("%.2f", s.total().min())).append("–").append(fmt("%.2f", s.total().max()))
                        .append(" | ").append(Double.isNaN(s.bytes().median()) ? "n/a" : Machine.human((long) s.bytes().median()))
                        .append(" | ").append(fmt("%.1f %%", s.percentOfImage()))
                        .append(" | ").append(fmt("%.0f", s.requests().median()))
                        .append(" | ").append(s.mode().equals(Modes.BASELINE) ? "1" : fmt("%.2f×", s.ratioToLegacy()))
                        .append(" |\n");
            }
            sb.append("\n![").append(image.name()).append("](").append(chartFile.apply(image.name())).append(")\n\n");
            sb.append("Workloads: ");
            sb.append(String.join("; ", image.workloads().entrySet().stream()
                    .map(e -> "`" + e.getKey() + "`: " + e.getValue()).toList()));
            if (!image.profileFiles().isEmpty()) {
                sb.append(". Recorded profiles (files placed first in the optimized eStargz image): ");
                sb.append(String.join(", ", image.profileFiles().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue() + " files").toList()));
            }
            sb.append(".\n\n");
        }
        sb.append("## Modes\n\n| mode | what it does |\n|---|---|\n");
        r.modes().forEach(m -> sb.append("| ").append(m.name()).append(" | ").append(m.description()).append(" |\n"));
        sb.append("\nStrata modes run `strata` as a user does: one JVM for `strata mount` (which starts its mount"
                + " process and returns once the mount answers)");
        sb.append(r.service() ? ", served by one resident `strata service` started before the images were prepared"
                + " (its untimed preparation mounts warmed it) and kept for every run.\n" : ".\n");
        sb.append("Workloads run in `chroot` of the tree; those that need /proc (java) in `unshare --mount --pid"
                + " --fork --mount-proc=ROOT/proc chroot ROOT ...`.\n\n");
        sb.append(machineText(r.machine(), r.loadAverageAtEnd()));
        List<RunResult> failed = r.runs().stream().filter(x -> !x.ok()).toList();
        if (!failed.isEmpty()) {
            sb.append("\n## Failed runs\n\n");
            failed.forEach(x -> sb.append("- ").append(x.image()).append(" / ").append(x.workload()).append(" / ")
                    .append(x.mode()).append(" #").append(x.repetition()).append(": ")
                    .append(x.error().replace("\n", " ")).append('\n'));
        }
        return sb.toString();
    }

    static String linkText(ColdStartResults r) {
        if (r.link() == null) {
            return "Link: none (loopback, the registry on this host).";
        }
        ColdStartResults.Link l = r.link();
        return "Link (userspace netem proxy between every client and the registry): configured " + l.configured()
                + " — RTT " + fmt("%.1f ms", l.configuredRttMs()) + ", " + rate(l.configuredMbit()) + "; measured RTT "
                + fmt("%.1f ms", l.measuredRttMs()) + " (median), throughput " + fmt("%.1f Mbit/s", l.measuredMbit())
                + ".";
    }

    private static String machineText(Machine m, String loadAtEnd) {
        return "## Machine\n\n| | |\n|---|---|\n"
                + "| CPUs (nproc) | " + m.cpus() + " |\n"
                + "| CPU | " + m.cpuModel() + " |\n"
                + "| memory | " + Machine.human(m.memoryBytes()) + " |\n"
                + "| kernel | " + m.kernel() + " |\n"
                + "| JVM | " + m.jvm() + " |\n"
                + "| work directory | " + m.directory() + " (" + m.filesystem() + ") |\n"
                + "| load average at start, at end (1/5/15 min) | " + m.loadAverage() + "; " + loadAtEnd + " |\n";
    }

    private static String rate(double mbit) {
        return mbit == 0 ? "unlimited rate" : fmt("%.0f Mbit/s", mbit);
    }

    static String fmt(String format, double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, format, v);
    }
}
