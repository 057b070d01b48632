package io.strata.bench.netem;

/**
 * Paces one direction of a link to a rate, shared by every connection that crosses it (a real link's bottleneck
 * is shared: four parallel downloads get a quarter of it each, not four times the rate). Tokens are bytes; they
 * accrue at the rate up to the burst size. A sender may take more tokens than there are and then sleeps off the
 * debt outside the lock, so that the long-run rate is exact whatever the sizes of the writes, and concurrent
 * senders leave in the order they reserved.
 */
final class TokenBucket {

    private final double bytesPerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(long bitsPerSecond, int burstBytes) {
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("a token bucket needs a positive rate, got " + bitsPerSecond);
        }
        this.bytesPerNano = bitsPerSecond / 8.0 / 1e9;
        this.burst = burstBytes;
        this.tokens = burstBytes;
        this.lastNanos = System.nanoTime();
    }

    /** Takes {@code bytes} tokens, sleeping until the rate allows them to leave. */
    void acquire(int bytes) throws InterruptedException {
        long due = reserve(bytes);
        if (due != 0) {
            Clock.sleepUntil(due);
        }
    }

    /** Takes the tokens and returns when they are paid for ({@link System#nanoTime()}), or 0 if they are now. */
    private synchronized long reserve(int bytes) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) * bytesPerNano);
        lastNanos = now;
        tokens -= bytes;
        return tokens < 0 ? now + (long) Math.ceil(-tokens / bytesPerNano) : 0;
    }
}
