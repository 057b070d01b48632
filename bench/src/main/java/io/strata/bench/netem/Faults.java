package io.strata.bench.netem;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Faults armed on a proxy and not yet claimed. Each is claimed once, atomically, by the first downstream
 * relay that delivers bytes after it was armed, so a fault hits exactly one response even when several
 * connections are busy or an HTTP client reuses pooled connections.
 */
final class Faults {

    static final long NONE = -1;

    private final AtomicBoolean reset = new AtomicBoolean();
    private final AtomicReference<Duration> stall = new AtomicReference<>();
    private final AtomicLong truncateAfter = new AtomicLong(NONE);
    private final AtomicLong flipAt = new AtomicLong(NONE);

    void armReset() {
        reset.set(true);
    }

    void armStall(Duration d) {
        stall.set(d);
    }

    void armTruncate(long bytes) {
        truncateAfter.set(bytes);
    }

    void armFlip(long offset) {
        flipAt.set(offset);
    }

    boolean claimReset() {
        return reset.getAndSet(false);
    }

    /** The armed stall, or {@code null}. */
    Duration claimStall() {
        return stall.getAndSet(null);
    }

    /** Bytes to deliver before closing, or {@link #NONE}. */
    long claimTruncate() {
        return truncateAfter.getAndSet(NONE);
    }

    /** Offset of the byte to flip from the start of the claiming delivery, or {@link #NONE}. */
    long claimFlip() {
        return flipAt.getAndSet(NONE);
    }
}
