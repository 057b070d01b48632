package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a benchmark case: warm-up repetitions (discarded: they let the JIT compile the loop and fill the
 * caches), then measured ones, each timed with {@link System#nanoTime()} around {@link Trial#run()} only.
 * Optionally drops the kernel's page cache before every repetition of a case that reads files.
 */
final class Harness {

    /** {@code /proc/sys/vm/drop_caches}: writing 1 frees the clean page cache (man 5 proc). */
    static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    /** One repetition: prepared untimed, run timed, closed untimed. */
    interface Trial extends AutoCloseable {
        /** Does the work and returns how much was done (lookups, bytes), which the harness divides by time. */
        long run() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** Makes a fresh trial for every repetition (opening files, starting threads: nothing that is timed). */
    @FunctionalInterface
    interface TrialFactory {
        Trial prepare() throws Exception;
    }

    private final int warmups;
    private final int repetitions;
    private final boolean dropCaches;

    /**
     * @param dropCaches whether to drop the page cache before each repetition of a case that reads files; the
     *                   caller checked that this process may (root)
     */
    Harness(int warmups, int repetitions, boolean dropCaches) {
        if (warmups < 0 || repetitions < 1) {
            throw new IllegalArgumentException("need >= 0 warm-up and >= 1 measured repetitions, got "
                    + warmups + " and " + repetitions);
        }
        this.warmups = warmups;
        this.repetitions = repetitions;
        this.dropCaches = dropCaches;
    }

    int warmups() {
        return warmups;
    }

    int repetitions() {
        return repetitions;
    }

    /** True if cases that read files run with a cold page cache. */
    boolean dropsCaches() {
        return dropCaches;
    }

    /**
     * The rates (work per second) of the measured repetitions of one case.
     *
     * @param readsFiles whether the case reads files, so that dropping the page cache changes it
     */
    Samples measure(TrialFactory factory, boolean readsFiles) throws Exception {
        double[] rates = new double[repetitions];
        for (int i = -warmups; i < repetitions; i++) {
            try (Trial trial = factory.prepare()) {
                if (dropCaches && readsFiles) {
                    dropPageCache();
                }
                long start = System.nanoTime();
                long work = trial.run();
                long nanos = Math.max(1, System.nanoTime() - start);
                if (work <= 0) {
                    throw new IllegalStateException("a benchmark repetition did no work (" + work + ")");
                }
                if (i >= 0) {
                    rates[i] = work * 1e9 / nanos;
                }
            }
        }
        return new Samples(rates);
    }

    /**
     * Empties the page cache. Only clean pages are dropped: every file this benchmark reads was forced to disk
     * when written, so all of them go.
     */
    static void dropPageCache() throws IOException {
        try {
            Files.writeString(DROP_CACHES, "1\n");
        } catch (IOException e) {
            throw new IOException("cannot drop the page cache through " + DROP_CACHES + " (" + e
                    + "); run as root or leave out --drop-caches", e);
        }
    }
}
