package io.strata.fs.prefetch;

import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.layer.PrefetchesInBulk;
import io.strata.fs.fuse.ContentReader;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a mount's files in the background, in {@link PrefetchPlan} order, on one daemon thread. It reads in
 * pieces of {@value #PIECE} bytes and, before each piece, waits while any foreground read is in flight: a file
 * somebody is waiting for always goes first, and the prefetcher yields at least once a piece. A file that fails
 * is logged once and skipped; nothing the prefetcher does can fail the mount. {@link #close()} stops it.
 */
public final class Prefetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Prefetcher.class);
    /** Small enough to yield to a foreground read often, large enough that a piece is rarely less than a chunk. */
    static final int PIECE = 1 << 20;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final PrefetchMode mode;
    private final List<OpenedLayer> layers;
    private final Supplier<List<Node>> planner;
    private final ContentReader reader;
    private final IntSupplier foregroundInFlight;
    private final Thread thread;
    private final AtomicLong filesPlanned = new AtomicLong();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong filesFailed = new AtomicLong();
    private final AtomicLong bytesPlanned = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private volatile String state = "waiting";
    private volatile boolean stopping;

    Prefetcher(PrefetchMode mode, Supplier<List<Node>> planner, ContentReader reader, IntSupplier foregroundInFlight) {
        this(mode, planner, List.of(), reader, foregroundInFlight);
    }

    /**
     * @param layers the mount's layers, bottom first: the plan's prioritized files of a layer whose reader
     *               {@link PrefetchesInBulk} are fetched first with a few streamed requests
     */
    Prefetcher(PrefetchMode mode, Supplier<List<Node>> planner, List<OpenedLayer> layers, ContentReader reader,
               IntSupplier foregroundInFlight) {
        this.layers = List.copyOf(layers);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.foregroundInFlight = Objects.requireNonNull(foregroundInFlight, "foregroundInFlight");
        this.thread = new Thread(this::run, "strata-prefetch");
        thread.setDaemon(true); // never keeps a JVM alive whose mount has gone
    }

    /**
     * Starts prefetching an image's files.
     *
     * @param profile    paths of a recorded profile (absolute in the image) to prefetch first instead of the layers'
     *                   own prioritized files; null to use those
     * @param reader     the content path of FUSE reads, without the foreground counting
     * @param foreground the counter of foreground reads to give way to
     */
    public static Prefetcher start(PrefetchMode mode, List<String> profile, UnionView union, List<OpenedLayer> layers,
                                   ContentReader reader, ForegroundReads foreground) {
        List<String> paths = profile == null ? null : List.copyOf(profile);
        Prefetcher p = new Prefetcher(mode, () -> PrefetchPlan.of(mode, paths, union, layers), layers, reader,
                foreground::inFlight);
        p.startThread();
        return p;
    }

    void startThread() {
        thread.start();
    }

    /** A snapshot of the progress. */
    public PrefetchProgress progress() {
        return new PrefetchProgress(mode.flagValue(), state, filesPlanned.get(), filesDone.get(), filesFailed.get(),
                bytesPlanned.get(), bytesDone.get());
    }

    private void run() {
        List<Node> plan;
        try {
            state = "planning";
            plan = planner.get();
        } catch (RuntimeException e) {
            LOG.error("prefetch: cannot plan what to fetch; no prefetch for this mount", e);
            state = "failed";
            return;
        }
        filesPlanned.set(plan.size());
        bytesPlanned.set(plan.stream().mapToLong(n -> n.entry().size()).sum());
        state = "running";
        LOG.info("prefetch ({}): {} files, {} bytes planned", mode.flagValue(), plan.size(), bytesPlanned.get());
        long t0 = System.nanoTime();
        fetchInBulk(plan);
        byte[] buffer = new byte[PIECE];
        for (Node node : plan) {
            if (stopping) {
                break;
            }
            fetch(node, buffer);
        }
        state = stopping ? "stopped" : "done";
        LOG.info("prefetch ({}) {}: {} of {} files ({} failed), {} bytes in {} ms", mode.flagValue(), state,
                filesDone.get(), plan.size(), filesFailed.get(), bytesDone.get(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The planned files of layers that can fetch in bulk, with a few streamed requests per layer, the layers in
     * parallel. Unlike the file-by-file pass it does not give way to foreground reads: those that need a chunk in
     * flight wait for it (which is sooner than a request of their own), and the others proceed side by side. The
     * file-by-file pass that follows then finds these files cached.
     */
    private void fetchInBulk(List<Node> plan) {
        Map<Integer, List<String>> byLayer = new TreeMap<>();
        for (Node node : plan) {
            if (node.layer() < layers.size() && layers.get(node.layer()).reader() instanceof PrefetchesInBulk) {
                byLayer.computeIfAbsent(node.layer(), k -> new ArrayList<>()).add(node.entry().path());
            }
        }
        List<Thread> threads = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : byLayer.entrySet()) {
            OpenedLayer layer = layers.get(e.getKey());
            Thread t = new Thread(() -> {
                long t0 = System.nanoTime();
                try {
                    long bytes = ((PrefetchesInBulk) layer.reader()).prefetch(e.getValue());
                    LOG.info("prefetch ({}): {} files of layer {} in bulk, {} bytes fetched in {} ms", mode.flagValue(),
                            e.getValue().size(), e.getKey() + 1, bytes, (System.nanoTime() - t0) / 1_000_000);
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("bulk prefetch of layer {} failed (its files are fetched one by one instead): {}",
                            e.getKey() + 1, ex.toString());
                }
            }, "strata-prefetch-bulk");
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fetch(Node node, byte[] buffer) {
        long size = node.entry().size();
        long offset = 0;
        try {
            while (offset < size) {
                if (!awaitForegroundIdle()) {
                    return;
                }
                int n = reader.read(node, offset, buffer, (int) Math.min(PIECE, size - offset));
                if (n <= 0) {
                    throw new IOException("the content ended at byte " + offset + " of " + size);
                }
                offset += n;
                bytesDone.addAndGet(n);
            }
            filesDone.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            // Once per file, then on to the next: a foreground read of this file will report its own error.
            filesFailed.incrementAndGet();
            LOG.warn("prefetch of /{} failed at byte {} (skipped; the mount is unaffected): {}", node.entry().path(),
                    offset, e.toString());
        }
    }

    /** Parks while a foreground read is in flight; false when stopped meanwhile. */
    private boolean awaitForegroundIdle() {
        while (foregroundInFlight.getAsInt() > 0 && !stopping) {
            LockSupport.parkNanos(IDLE_POLL_NANOS);
        }
        return !stopping;
    }

    /** Stops after the piece in progress and waits a little for the thread to end. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("prefetch thread still busy after {} ms; leaving it (daemon) to end with its read",
                    STOP_WAIT_MILLIS);
        }
    }
}
