package io.strata.fs.cli;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fs.pull.Puller;
import io.strata.fs.pull.Snapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@code strata pull} shows on stderr: one line per layer (reused, or downloaded and verified) and, while
 * downloads run, how many bytes have arrived, every few seconds.
 */
final class PullProgress implements Puller.Listener, AutoCloseable {

    private static final long TICK_SECONDS = 3;

    private final PrintStream err;
    private List<Descriptor> layers = List.of();
    private ScheduledExecutorService ticker;
    private long started;

    PullProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void resolved(ResolvedImage image) {
        layers = image.layers();
        long size = layers.stream().mapToLong(Descriptor::size).sum();
        err.printf(Locale.ROOT, "%s: manifest %s, %d layers, %s compressed%n", image.ref(),
                image.manifestDigest().shortForm(), layers.size(), Sizes.human(size));
    }

    @Override
    public void reused(int index, Snapshot snapshot) {
        err.printf(Locale.ROOT, "%s reused (snapshot %s)%n", layer(index), snapshot.chainId().shortForm());
    }

    @Override
    public void downloading(List<Integer> indexes, List<LayerStats> stats) {
        started = System.nanoTime();
        long total = indexes.stream().mapToLong(i -> layers.get(i).size()).sum();
        err.printf(Locale.ROOT, "downloading %d layers (%s), %d at a time%n", indexes.size(), Sizes.human(total),
                Math.min(indexes.size(), Puller.PARALLEL_DOWNLOADS));
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pull-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            long got = stats.stream().mapToLong(s -> s.bytesFetched.get()).sum();
            err.printf(Locale.ROOT, "  %s of %s (%s)%n", Sizes.human(got), Sizes.human(total), Sizes.percent(got, total));
        }, TICK_SECONDS, TICK_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void committed(int index, Snapshot snapshot, LayerStats stats) {
        err.printf(Locale.ROOT, "%s downloaded and verified: %s, %.1f s since the downloads began (snapshot %s)%n",
                layer(index), Sizes.human(stats.bytesFetched.get()), (System.nanoTime() - started) / 1e9,
                snapshot.chainId().shortForm());
    }

    @Override
    public void writing(Path dir, long inodes) {
        stopTicker();
        err.printf(Locale.ROOT, "writing the root file system (%d inodes) to %s%n", inodes, dir);
    }

    private String layer(int index) {
        return String.format(Locale.ROOT, "layer %d/%d %s", index + 1, layers.size(), layers.get(index).digest().shortForm());
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    @Override
    public void close() {
        stopTicker();
    }
}
