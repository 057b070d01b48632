package io.strata.bench.netem;

import java.util.concurrent.locks.LockSupport;

/** Sleeping to a deadline on {@link System#nanoTime()}, at the resolution of the OS timer (tens of µs on Linux). */
final class Clock {

    private Clock() {
    }

    /** Returns at or after {@code deadlineNanos}; throws if the thread is interrupted while it waits. */
    static void sleepUntil(long deadlineNanos) throws InterruptedException {
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            // parkNanos may return early (spurious wake-up), hence the loop
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while the link delays bytes");
            }
        }
    }
}
