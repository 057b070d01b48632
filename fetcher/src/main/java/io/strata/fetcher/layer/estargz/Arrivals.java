package io.strata.fetcher.layer.estargz;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Chunks of one layer that a bulk prefetch has asked for and not yet delivered, so that a read needing one of
 * them waits for it instead of fetching it a second time over the same link. A chunk is delivered only after the
 * cache verified it; a failed or abandoned chunk wakes its waiters with nothing, and they fetch it themselves.
 */
final class Arrivals {

    /** A reader waits at most this long for a chunk in flight before fetching it itself. */
    private static final long WAIT_SECONDS = 30;

    private final Map<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();

    /** Announces that chunk {@code c} is on its way; false when another fetch announced it already. */
    boolean expect(int c) {
        return pending.putIfAbsent(c, new CompletableFuture<>()) == null;
    }

    /** Chunk {@code c} arrived and verified. */
    void deliver(int c, byte[] bytes) {
        CompletableFuture<byte[]> f = pending.remove(c);
        if (f != null) {
            f.complete(bytes);
        }
    }

    /** Chunk {@code c} will not arrive (failed, or the fetch ended before it). */
    void abandon(int c) {
        CompletableFuture<byte[]> f = pending.remove(c);
        if (f != null) {
            f.complete(null);
        }
    }

    /** Whether chunk {@code c} is on its way. */
    boolean pending(int c) {
        return pending.containsKey(c);
    }

    /** The bytes of chunk {@code c} when it is on its way and arrives in time; null otherwise. */
    byte[] await(int c) {
        CompletableFuture<byte[]> f = pending.get(c);
        if (f == null) {
            return null;
        }
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
