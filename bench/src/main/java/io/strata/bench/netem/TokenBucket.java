package io.strata.bench.netem;

/**
 * Paces one direction of one connection to a rate. Tokens are bytes; they accrue at the rate up to the burst
 * size. A sender may take more tokens than there are and then sleeps off the debt, so that the long-run rate
 * is exact whatever the sizes of the writes. Used by one writer thread only, so it needs no locks.
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
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) * bytesPerNano);
        lastNanos = now;
        tokens -= bytes;
        if (tokens < 0) {
            Clock.sleepUntil(now + (long) Math.ceil(-tokens / bytesPerNano));
        }
    }
}
