package io.strata.bench;

import io.strata.cache.chunk.ChunkCache;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One repetition of the lookup benchmark: {@code threads} threads call {@link ChunkCache#get} on the chunks
 * of a set in a shuffled order for a fixed time, starting together. The threads are started and parked when
 * the trial is prepared, so that thread start-up is not timed.
 */
final class LookupTrial implements Harness.Trial {

    private final ChunkCache cache;
    private final ChunkSet set;
    private final int[] order;
    private final long nanos;
    private final int batch;
    private final Thread[] workers;
    private final long[] lookups;
    private final CountDownLatch go = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Folds a byte of every chunk returned, so that the JIT cannot drop the lookups as unused. */
    private volatile long sink;

    /**
     * @param order the lookup order, a permutation of the set's indexes; thread {@code t} starts at
     *              {@code t / threads} of it so that threads do not read the same chunks at the same time
     */
    LookupTrial(ChunkCache cache, ChunkSet set, int[] order, int threads, long nanos) {
        this.cache = cache;
        this.set = set;
        this.order = order;
        this.nanos = nanos;
        // Reading the clock costs about one memory-tier lookup of a small chunk, so small chunks check it once
        // per batch; big ones every time, to keep the threads' end within a few lookups of each other.
        this.batch = Math.max(1, Math.min(64, (256 << 10) / set.chunkSize()));
        this.workers = new Thread[threads];
        this.lookups = new long[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> work(index, (int) ((long) order.length * index / threads)),
                    "strata-bench-lookup-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
    }

    @Override
    public long run() throws Exception {
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        Throwable e = failure.get();
        if (e instanceof Exception ex) {
            throw ex;
        }
        if (e != null) {
            throw new IllegalStateException("a lookup thread failed: " + e, e);
        }
        long total = 0;
        for (long n : lookups) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws InterruptedException {
        go.countDown(); // a trial closed without running lets its threads finish instead of leaking them
        for (Thread w : workers) {
            w.join();
        }
    }

    private void work(int thread, int start) {
        long n = 0;
        long folded = 0;
        int i = start;
        try {
            go.await();
            long deadline = System.nanoTime() + nanos;
            do {
                for (int b = 0; b < batch; b++) {
                    byte[] chunk = cache.get(set.key(order[i]), set.missing());
                    folded += chunk[chunk.length - 1];
                    n++;
                    i = i + 1 == order.length ? 0 : i + 1;
                }
            } while (System.nanoTime() < deadline);
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        } finally {
            lookups[thread] = n; // published to run() by Thread.join
            sink = folded;
        }
    }
}
