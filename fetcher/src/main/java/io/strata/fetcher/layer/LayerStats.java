package io.strata.fetcher.layer;

import io.strata.fetcher.source.TransferCounter;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one mounted layer, shown by {@code strata status}. Thread-safe. */
public final class LayerStats {
    /** Compressed bytes received from the blob source for this layer. */
    public final AtomicLong bytesFetched = new AtomicLong();
    /** Requests made to the blob source for this layer. */
    public final AtomicLong requests = new AtomicLong();
    /** Reads served from content already on this host. */
    public final AtomicLong cacheHits = new AtomicLong();
    /** Reads that had to fetch. */
    public final AtomicLong cacheMisses = new AtomicLong();
    /** Content bytes returned to readers. */
    public final AtomicLong bytesServed = new AtomicLong();

    private final TransferCounter transfers = new TransferCounter() {
        @Override
        public void request() {
            requests.incrementAndGet();
        }

        @Override
        public void add(long bytes) {
            bytesFetched.addAndGet(bytes);
        }
    };

    /** What the blob source reports of this layer's transfers, counted into {@link #requests} and {@link #bytesFetched}. */
    public TransferCounter transfers() {
        return transfers;
    }
}
