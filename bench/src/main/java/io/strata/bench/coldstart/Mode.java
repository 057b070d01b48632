package io.strata.bench.coldstart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One way of starting a container from an image, measured side by side with the others: legacy pull + unpack, or
 * a strata mount of the image in some format with some cache. A mode is a plug: add one to {@link Modes}.
 */
interface Mode {

    /** The name in flags, tables and charts, e.g. {@code strata-estargz}. */
    String name();

    /** One line for the report: what this mode does. */
    String description();

    /** The formats of the image it needs in the registry. */
    Set<Format> needs();

    /**
     * Prepares what every run of this mode on {@code context}'s image shares, untimed, once per image before its
     * first run (e.g. fills a warm cache).
     */
    default void prepareImage(RunContext context) throws IOException {
    }

    /**
     * Prepares one run, untimed (clears or fills caches, starts what must be resident): the returned session's
     * {@link Session#start()} is what the benchmark times as pull/mount.
     */
    Session open(RunContext context) throws IOException;

    /** One run of a mode: started (timed), then the workload runs in its tree, then closed (untimed). */
    interface Session extends AutoCloseable {

        /** Makes the image's tree available (pull + unpack, or mount) and returns its root. */
        Path start() throws IOException;

        /** Seconds of the parts of {@link #start()} worth showing apart (e.g. pull and unpack), in order. */
        default Map<String, Double> detail() {
            return Map.of();
        }

        /** Unmounts or deletes what {@link #start()} made; must work after a failed start too. */
        @Override
        void close() throws IOException;
    }
}
