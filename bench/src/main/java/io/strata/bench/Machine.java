package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What a reader of a benchmark report needs to know about the machine it ran on. Read from {@code /proc} on
 * Linux; a field that cannot be read says "unknown" rather than failing the benchmark.
 *
 * @param cpus        processors available to the JVM (what {@code nproc} prints)
 * @param cpuModel    the first {@code model name} of /proc/cpuinfo
 * @param memoryBytes MemTotal of /proc/meminfo, 0 if unknown
 * @param kernel      the kernel release
 * @param jvm         the JVM's name and version
 * @param maxHeapBytes the JVM's heap bound
 * @param directory   where the benchmark files live
 * @param filesystem  the type of the filesystem of {@code directory} (ext4, xfs, tmpfs...)
 * @param loadAverage the 1, 5 and 15 minute load averages when probed: other work on the machine is the first
 *                    suspect of noisy numbers, so the report shows it
 */
public record Machine(int cpus, String cpuModel, long memoryBytes, String kernel, String jvm, long maxHeapBytes,
               String directory, String filesystem, String loadAverage) {

    private static final String UNKNOWN = "unknown";

    /** Probes this machine; {@code directory} must exist. */
    public static Machine probe(Path directory) {
        String fs;
        try {
            fs = Files.getFileStore(directory).type();
        } catch (IOException e) {
            fs = UNKNOWN;
        }
        String jvm = System.getProperty("java.vm.name", "JVM") + " " + System.getProperty("java.runtime.version",
                System.getProperty("java.version", UNKNOWN));
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemTotal(),
                System.getProperty("os.name", "") + " " + System.getProperty("os.version", UNKNOWN), jvm,
                Runtime.getRuntime().maxMemory(), directory.toString(), fs, currentLoadAverage());
    }

    /** The load averages now, e.g. {@code 0.52 0.31 0.20}: the first three fields of /proc/loadavg. */
    public static String currentLoadAverage() {
        List<String> lines = procLines("/proc/loadavg");
        if (lines.isEmpty()) {
            return UNKNOWN;
        }
        String[] f = lines.get(0).trim().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : UNKNOWN;
    }

    private static String readCpuModel() {
        return procLines("/proc/cpuinfo").stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElse(UNKNOWN);
    }

    private static long readMemTotal() {
        // "MemTotal:       24731760 kB" (proc(5): the values are in KiB despite the unit's spelling)
        return procLines("/proc/meminfo").stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .filter(s -> !s.isEmpty())
                .mapToLong(s -> Long.parseLong(s) * 1024)
                .findFirst().orElse(0);
    }

    private static List<String> procLines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Bytes as GiB/MiB/KiB with one decimal, e.g. {@code 23.6 GiB}. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v == Math.rint(v) ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
