package io.strata.fs.prefetch;

import io.strata.fs.fuse.ContentReader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the content reads the kernel is waiting for, so that background prefetch can step aside: a FUSE read
 * and a prefetch read compete for the same link and the same cache loaders, and the reader who is waiting is the
 * one who matters. Wrap the reader the FUSE binding uses with {@link #wrap}; give the prefetcher the unwrapped one.
 */
public final class ForegroundReads {

    private final AtomicInteger inFlight = new AtomicInteger();

    /** {@code reader}, counting each of its reads as in flight until it returns or throws. */
    public ContentReader wrap(ContentReader reader) {
        return (node, offset, dst, length) -> {
            inFlight.incrementAndGet();
            try {
                return reader.read(node, offset, dst, length);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    /** Number of foreground reads in progress right now. */
    public int inFlight() {
        return inFlight.get();
    }
}
