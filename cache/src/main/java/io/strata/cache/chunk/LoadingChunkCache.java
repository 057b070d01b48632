package io.strata.cache.chunk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single flight and verification over a {@link ChunkStore}. The first reader of a missing chunk registers a
 * future and runs the loader; later readers wait on that future. The future is removed when the load ends,
 * whatever the outcome, so a failure reaches the readers of that flight only and the next reader retries.
 *
 * <p>The loader runs outside any lock (a long fetch of one chunk never blocks readers of others), which is why
 * this is a map of futures and not Caffeine's {@code get(key, mappingFunction)}: that computes under the lock
 * of a hash bin and would make loads of unrelated keys wait for each other.
 */
final class LoadingChunkCache implements ChunkCache {

    private static final Logger log = LoggerFactory.getLogger(LoadingChunkCache.class);

    private final ChunkStore store;
    private final Counters counters;
    private final String description;
    private final ConcurrentHashMap<ChunkKey, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();

    LoadingChunkCache(ChunkStore store, Counters counters, String description) {
        this.store = store;
        this.counters = counters;
        this.description = description;
    }

    @Override
    public byte[] get(ChunkKey key, Loader loader) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        byte[] cached = store.read(key);
        if (cached != null) {
            return served(cached);
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            return served(await(key, theirs));
        }
        try {
            // Look again: a flight may have finished between our first look and our registration.
            byte[] bytes = store.read(key);
            if (bytes == null) {
                bytes = load(key, loader);
            }
            mine.complete(bytes);
            return served(bytes);
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    @Override
    public void put(ChunkKey key, byte[] verified) throws IOException {
        Objects.requireNonNull(key, "key");
        verify(key, Objects.requireNonNull(verified, "verified"));
        counters.bytesLoaded.add(verified.length);
        try {
            store.write(key, verified);
        } catch (IOException | RuntimeException e) {
            // As in get(): the cache is an optimisation, a full or read-only disk must not fail the reader.
            log.warn("could not keep chunk {} in {}: {}; serving it uncached", key, description, e.toString());
        }
    }

    @Override
    public Optional<byte[]> getIfPresent(ChunkKey key) {
        byte[] cached = store.read(Objects.requireNonNull(key, "key"));
        return cached == null ? Optional.empty() : Optional.of(served(cached));
    }

    @Override
    public boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        Objects.requireNonNull(key, "key");
        Objects.checkFromIndexSize(offset, length, chunkLength);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (length == 0) {
            return true;
        }
        boolean hit = store.readPart(key, chunkLength, offset, dst, dstOffset, length);
        if (hit) {
            counters.bytesServed.add(length);
        }
        return hit;
    }

    @Override
    public void readAhead(ChunkKey key) {
        store.readAhead(Objects.requireNonNull(key, "key"));
    }

    @Override
    public CacheStats stats() {
        return counters.snapshot();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }

    @Override
    public String toString() {
        return description;
    }

    private byte[] load(ChunkKey key, Loader loader) throws IOException {
        counters.misses.increment();
        byte[] bytes;
        try {
            bytes = loader.load();
            if (bytes == null) {
                throw new IOException("the loader of chunk " + key + " returned no bytes (null); a loader must"
                        + " return the chunk or throw");
            }
            verify(key, bytes);
        } catch (IOException | RuntimeException e) {
            counters.loadFailures.increment();
            throw e;
        }
        counters.bytesLoaded.add(bytes.length);
        try {
            store.write(key, bytes);
        } catch (IOException | RuntimeException e) {
            // The cache is an optimisation: a full or read-only disk must not fail the read.
            log.warn("could not keep chunk {} in {}: {}; serving it uncached", key, description, e.toString());
        }
        return bytes;
    }

    static void verify(ChunkKey key, byte[] bytes) throws ChunkDigestMismatchException {
        if (!key.isContentAddressed()) {
            return;
        }
        byte[] actual = Sha256.digest(bytes, 0, bytes.length);
        byte[] expected = HexFormat.of().parseHex(key.contentHex());
        if (!MessageDigest.isEqual(actual, expected)) {
            throw new ChunkDigestMismatchException(key, HexFormat.of().formatHex(actual), bytes.length);
        }
    }

    private static byte[] await(ChunkKey key, CompletableFuture<byte[]> flight) throws IOException {
        try {
            return flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            var ie = new InterruptedIOException("interrupted while waiting for another thread to load chunk " + key);
            ie.initCause(e);
            throw ie;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // A new exception so the waiter's stack shows up too; the loader's failure is the cause.
            throw new IOException("loading chunk " + key + " failed in the thread that fetched it: " + cause, cause);
        }
    }

    private byte[] served(byte[] bytes) {
        counters.bytesServed.add(bytes.length);
        return bytes;
    }
}
