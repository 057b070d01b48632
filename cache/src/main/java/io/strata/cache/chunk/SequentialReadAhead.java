package io.strata.cache.chunk;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Read-ahead for a reader of numbered chunks (a layer's tar stream cut into 4 MiB chunks, an eStargz layer's chunk
 * table): when reads move forward chunk by chunk, the next few chunks are hinted to the cache
 * ({@link ChunkCache#readAhead}), so they come from disk into memory while this one is served. The kernel's own
 * readahead stops at 128 KiB requests, far short of a chunk. A jump backwards or over a chunk (a random reader, or
 * another file's reader in between) gives no hint, so random reads are not multiplied.
 *
 * <p>One per layer reader, shared by its threads; costs a lock-free swap per read.
 */
public final class SequentialReadAhead {

    private final ChunkCache cache;
    private final LongFunction<ChunkKey> keyOf;
    private final int depth;
    private final AtomicLong lastRead = new AtomicLong(Long.MIN_VALUE);

    /**
     * Hints chunks of {@code cache}, {@code depth} ahead ({@code 8 MiB / chunk size} keeps the disk busy while a
     * chunk is served); {@code keyOf} names chunk number n.
     */
    public SequentialReadAhead(ChunkCache cache, LongFunction<ChunkKey> keyOf, int depth) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        if (depth < 1) {
            throw new IllegalArgumentException("read-ahead depth " + depth + " is below 1");
        }
        this.depth = depth;
    }

    /**
     * A read is serving chunk {@code chunk}; if it looks sequential (this chunk or the one after the last read), the
     * next chunks are hinted, staying at or below {@code lastAhead} (the last chunk of the file or stream).
     */
    public void reading(long chunk, long lastAhead) {
        long previous = lastRead.getAndSet(chunk);
        if (chunk != previous && chunk != previous + 1) {
            return;
        }
        long end = Math.min(lastAhead, chunk + depth);
        for (long next = chunk + 1; next <= end; next++) {
            cache.readAhead(keyOf.apply(next));
        }
    }
}
