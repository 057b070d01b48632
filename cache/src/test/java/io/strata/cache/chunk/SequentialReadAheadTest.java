package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class SequentialReadAheadTest {

    /** Records the hints; nothing else is called. */
    private static final class HintRecorder implements ChunkCache {
        final List<Long> hinted = new ArrayList<>();

        @Override
        public byte[] get(ChunkKey key, Loader loader) {
            throw new AssertionError("read-ahead must not load");
        }

        @Override
        public void put(ChunkKey key, byte[] verified) {
            throw new AssertionError("read-ahead must not store");
        }

        @Override
        public Optional<byte[]> getIfPresent(ChunkKey key) {
            throw new AssertionError("not needed");
        }

        @Override
        public boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
            throw new AssertionError("not needed");
        }

        @Override
        public void readAhead(ChunkKey key) {
            hinted.add(key.offset());
        }

        @Override
        public CacheStats stats() {
            return CacheStats.EMPTY;
        }

        @Override
        public void close() {
        }
    }

    private final HintRecorder cache = new HintRecorder();
    private final SequentialReadAhead readAhead =
            new SequentialReadAhead(cache, n -> ChunkKey.ofRange("sha256:" + "ab".repeat(32), n, 1), 2);

    @Test
    void reading_forwardChunkByChunk_hintsTheNextTwo() {
        readAhead.reading(0, 100);
        assertEquals(List.of(), cache.hinted, "first read: nothing known yet, nothing hinted");
        readAhead.reading(0, 100);
        assertEquals(List.of(1L, 2L), cache.hinted, "the same chunk again is sequential");
        readAhead.reading(1, 100);
        assertEquals(List.of(1L, 2L, 2L, 3L), cache.hinted);
    }

    @Test
    void reading_jumps_noHints() {
        readAhead.reading(10, 100);
        readAhead.reading(3, 100);
        readAhead.reading(50, 100);
        assertEquals(List.of(), cache.hinted);
    }

    @Test
    void reading_nearTheEnd_stopsAtTheLastChunk() {
        readAhead.reading(97, 99);
        readAhead.reading(98, 99);
        readAhead.reading(99, 99);
        assertEquals(List.of(99L), cache.hinted);
    }
}
