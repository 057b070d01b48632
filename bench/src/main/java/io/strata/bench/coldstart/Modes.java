package io.strata.bench.coldstart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The modes the benchmark knows, in report order; a new way to start a container is one more entry here. */
final class Modes {

    private static final Map<String, Mode> ALL = new LinkedHashMap<>();

    static {
        for (Mode m : List.of(
                new LegacyMode(),
                new StrataMode("strata-whole", "strata mount of the plain gzip image, empty cache: every layer"
                        + " fetched whole at mount (and indexed on the way)", Format.PLAIN, StrataMode.Cache.COLD),
                new StrataMode("strata-indexed", "strata mount --trust-published-index of the plain image with the"
                        + " index strata index published, empty cache", Format.INDEXED, StrataMode.Cache.COLD),
                new StrataMode("strata-kept-index", "strata mount of the plain image, the cache holding only the gzip"
                        + " checkpoints kept by an earlier whole fetch", Format.PLAIN, StrataMode.Cache.KEPT_INDEX),
                new StrataMode("strata-estargz", "strata mount of the image converted to eStargz, empty cache",
                        Format.ESTARGZ, StrataMode.Cache.COLD),
                new StrataMode("strata-estargz-optimized", "strata mount of the eStargz image with the files strata"
                        + " record saw the workload open placed first (and prefetched), empty cache",
                        Format.ESTARGZ_OPTIMIZED, StrataMode.Cache.COLD),
                new StrataMode("strata-warm", "strata mount of the plain image, everything already in the cache",
                        Format.PLAIN, StrataMode.Cache.WARM))) {
            ALL.put(m.name(), m);
        }
    }

    private Modes() {
    }

    static List<Mode> all() {
        return List.copyOf(ALL.values());
    }

    /** The modes named (in report order, not the order given); {@code all} names every one. */
    static List<Mode> parse(List<String> names) {
        if (names.isEmpty() || names.contains("all")) {
            return all();
        }
        for (String n : names) {
            if (!ALL.containsKey(n)) {
                throw new IllegalArgumentException("--mode: no mode '" + n + "'; choose from "
                        + String.join(", ", ALL.keySet()) + " or all");
            }
        }
        List<Mode> chosen = new ArrayList<>();
        ALL.forEach((name, mode) -> {
            if (names.contains(name)) {
                chosen.add(mode);
            }
        });
        return chosen;
    }

    /** The baseline that ratios are taken to. */
    static final String BASELINE = "legacy";
}
