package io.strata.fs.pull;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.LayerTars;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code strata pull}: an image's layers become snapshots of a {@link SnapshotStore} (each downloaded at most once
 * per host, verified, committed in layer order), then the root file system they make together is written to a
 * directory ({@link RootDirectory}, {@link RootfsWriter}). See {@code package-info} for why snapshots hold layer
 * tars and the tree is written once from their union.
 */
public final class Puller {

    private static final Logger log = LoggerFactory.getLogger(Puller.class);
    /** Downloads at once: a few streams fill a link, and each decompresses on a core of its own. */
    public static final int PARALLEL_DOWNLOADS = 3;

    /** What the pull reports as it goes. Called from the pulling thread, in layer order. */
    public interface Listener {
        default void resolved(ResolvedImage image) {
        }

        /** Layer {@code index} (from 0) has a snapshot already: nothing is downloaded for it. */
        default void reused(int index, Snapshot snapshot) {
        }

        /** Downloads started for these layers; their stats count bytes as they arrive. */
        default void downloading(List<Integer> indexes, List<LayerStats> stats) {
        }

        /** Layer {@code index} was downloaded, verified and committed as {@code snapshot}. */
        default void committed(int index, Snapshot snapshot, LayerStats stats) {
        }

        /** All snapshots are there; the tree ({@code inodes} files, directories...) is being written to {@code dir}. */
        default void writing(Path dir, long inodes) {
        }
    }

    /**
     * One layer's part in a pull.
     *
     * @param reused   whether its snapshot was there already (then nothing was fetched for it)
     * @param fetched  compressed bytes received for it
     * @param requests requests made for it
     */
    public record LayerResult(Descriptor layer, Snapshot snapshot, boolean reused, long fetched, long requests) {
    }

    /**
     * A finished pull.
     *
     * @param nodes        paths written (the root excluded)
     * @param contentBytes bytes of file content written
     * @param layersTime   time to have every layer's snapshot (found, or downloaded, verified and committed)
     * @param writeTime    time to write the tree
     * @param elapsed      the whole pull, resolution included
     */
    public record Result(ResolvedImage image, Path directory, List<LayerResult> layers, long nodes, long contentBytes,
                         Duration layersTime, Duration writeTime, Duration elapsed) {
        public long bytesFetched() {
            return layers.stream().mapToLong(LayerResult::fetched).sum();
        }

        public long requests() {
            return layers.stream().mapToLong(LayerResult::requests).sum();
        }

        public long reused() {
            return layers.stream().filter(LayerResult::reused).count();
        }
    }

    private Puller() {
    }

    /**
     * Pulls {@code ref} from {@code source} into {@code dir}, which must be missing or an empty directory.
     *
     * @throws IllegalArgumentException when {@code dir} exists and is not an empty directory
     * @throws IOException              when the image cannot be resolved, a layer fails verification or is malformed
     *                                  (nothing of that layer is committed), or the tree cannot be written
     */
    public static Result pull(BlobSource source, ImageRef ref, Platform platform, SnapshotStore store, Path dir,
                              Listener listener) throws IOException {
        long t0 = System.nanoTime();
        RootDirectory target = RootDirectory.check(dir);
        ResolvedImage image = ImageResolver.resolve(source, ref, platform);
        listener.resolved(image);
        try (SnapshotStore.Lock lock = store.lock(false, () -> log.warn("waiting for a removal of snapshots in {}", store.root()))) {
            int stale = store.cleanStale();
            if (stale > 0) {
                log.info("removed {} half-built snapshots left in {} by killed processes", stale, store.root());
            }
            long t1 = System.nanoTime();
            List<LayerResult> layers = snapshots(source, image, store, listener);
            long t2 = System.nanoTime();
            List<LayerIndex> indexes = new ArrayList<>();
            List<Path> tars = new ArrayList<>();
            for (LayerResult r : layers) {
                indexes.add(readIndex(r.snapshot()));
                tars.add(r.snapshot().tar());
            }
            UnionView view;
            try {
                view = UnionView.build(indexes);
            } catch (IllegalArgumentException e) {
                throw new IOException("the layers of " + ref + " cannot be merged: " + e.getMessage(), e);
            }
            listener.writing(target.path(), view.nodeCount() - 1);
            long t3 = System.nanoTime();
            RootfsWriter.Written written = target.fill(root -> RootfsWriter.write(view, tars, root));
            long t4 = System.nanoTime();
            log.info("wrote {} paths ({} bytes of content) to {} in {} ms", written.nodes(), written.contentBytes(),
                    target.path(), (t4 - t3) / 1_000_000);
            return new Result(image, target.path(), layers, written.nodes(), written.contentBytes(),
                    Duration.ofNanos(t2 - t1), Duration.ofNanos(t4 - t3), Duration.ofNanos(t4 - t0));
        }
    }

    /** A snapshot for every layer: found, or downloaded (a few at a time) and committed bottom up. */
    private static List<LayerResult> snapshots(BlobSource source, ResolvedImage image, SnapshotStore store,
                                               Listener listener) throws IOException {
        List<Descriptor> descriptors = image.layers();
        List<Digest> chain = ChainIds.of(image.diffIds());
        int n = descriptors.size();
        LayerResult[] results = new LayerResult[n];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var found = store.find(chain.get(i));
            if (found.isPresent()) {
                results[i] = new LayerResult(descriptors.get(i), found.get(), true, 0, 0);
                listener.reused(i, found.get());
            } else {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return List.of(results);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_DOWNLOADS, missing.size()), r -> {
            Thread t = new Thread(r, "layer-download");
            t.setDaemon(true);
            return t;
        });
        List<Future<Downloaded>> futures = new ArrayList<>();
        List<LayerStats> stats = new ArrayList<>();
        try {
            for (int i : missing) {
                LayerStats s = new LayerStats();
                stats.add(s);
                Digest parent = i == 0 ? null : chain.get(i - 1);
                Descriptor d = descriptors.get(i);
                Digest diffId = image.diffIds().get(i);
                Digest chainId = chain.get(i);
                futures.add(pool.submit(() -> download(source, store, d, diffId, chainId, parent, s)));
            }
            listener.downloading(List.copyOf(missing), List.copyOf(stats));
            // Committed in layer order, so a committed snapshot's parent is always committed.
            for (int k = 0; k < missing.size(); k++) {
                int i = missing.get(k);
                try (Downloaded done = await(futures.get(k), image.ref())) {
                    Snapshot committed = done.pending.commit(done.info);
                    LayerStats s = stats.get(k);
                    results[i] = new LayerResult(descriptors.get(i), committed, false, s.bytesFetched.get(), s.requests.get());
                    listener.committed(i, committed, s);
                }
            }
            return List.of(results);
        } finally {
            pool.shutdownNow();
            abandon(futures, pool);
        }
    }

    /** A layer downloaded into a pending snapshot, ready to commit; closing it drops it unless committed. */
    private record Downloaded(PendingSnapshot pending, Snapshot info) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            pending.close();
        }
    }

    private static Downloaded download(BlobSource source, SnapshotStore store, Descriptor layer, Digest diffId,
                                       Digest chainId, Digest parent, LayerStats stats) throws IOException {
        PendingSnapshot pending = store.begin(chainId);
        try {
            long t0 = System.nanoTime();
            Path tar = pending.directory().resolve(Snapshot.TAR);
            LayerTars.Indexed indexed = LayerTars.download(source, layer, diffId, tar, stats);
            LayerTars.writeIndex(indexed, pending.directory().resolve(Snapshot.INDEX));
            log.info("layer {} downloaded and verified: {} bytes, {} entries, {} ms", layer.digest().shortForm(),
                    stats.bytesFetched.get(), indexed.index().entries().size(), (System.nanoTime() - t0) / 1_000_000);
            Snapshot info = new Snapshot(chainId, parent, diffId, layer, indexed.tarLength(),
                    indexed.index().entries().size(), SnapshotStore.now(), null);
            return new Downloaded(pending, info);
        } catch (IOException | RuntimeException | Error e) {
            pending.close();
            throw e;
        }
    }

    private static Downloaded await(Future<Downloaded> future, ImageRef ref) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pulling " + ref);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    /**
     * After a failure: downloads still running are interrupted and waited for a while; every download that ended
     * but was not committed is dropped. What a download stuck beyond that leaves in {@code tmp/} is removed by the
     * next pull ({@link SnapshotStore#cleanStale}, once this process is gone).
     */
    private static void abandon(List<Future<Downloaded>> futures, ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Future<Downloaded> f : futures) {
            if (f.isDone() && !f.isCancelled()) {
                try {
                    f.get().close(); // no-op when committed
                } catch (Exception ignored) {
                    // failed downloads cleaned up after themselves
                }
            }
        }
    }

    private static LayerIndex readIndex(Snapshot s) throws IOException {
        LayerTars.Indexed indexed = LayerTars.readIndex(s.index(), s.layer().digest());
        if (indexed.tarLength() != s.tarLength() || !s.diffId().equals(indexed.index().diffId())) {
            throw new IOException("snapshot " + s.directory() + " is inconsistent (its index describes another tar);"
                    + " remove it with `strata snapshots rm " + s.chainId() + "` and pull again");
        }
        return indexed.index();
    }
}
