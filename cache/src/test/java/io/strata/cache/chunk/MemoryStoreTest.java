package io.strata.cache.chunk;

import static io.strata.cache.chunk.ChunkCacheContract.data;
import static io.strata.cache.chunk.ChunkCacheContract.keyOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the memory tier keeps while a file is streamed through it. */
final class MemoryStoreTest {

    @Test
    void write_whileStreamingChunksEachReadManyTimes_theNewestChunkIsAlwaysKept() {
        MemoryStore store = new MemoryStore(16L << 20, new Counters()); // four 1 MiB chunks per half, and more
        for (int c = 0; c < 40; c++) {
            byte[] chunk = data(c, 1 << 20);
            store.write(keyOf(chunk), chunk);
            // a sequential reader: 32 FUSE reads of this chunk, before it moves on to the next one
            for (int r = 0; r < 32; r++) {
                assertNotNull(store.read(keyOf(chunk)), "chunk " + c + " was dropped right after it was stored"
                        + " (read " + r + ")");
            }
        }
        assertTrue(store.weightedSize() <= 16L << 20, "over the bound: " + store.weightedSize());
        store.close();
    }

    @Test
    void write_chunkBiggerThanTheBound_notKept() {
        MemoryStore store = new MemoryStore(1000, new Counters());
        byte[] chunk = data(1, 4000);
        store.write(keyOf(chunk), chunk);
        store.weightedSize(); // Caffeine evicts in its maintenance, which this runs
        assertNull(store.read(keyOf(chunk)));
    }
}
