package io.strata.cache.chunk;

import java.nio.file.Path;

/** The contract on the memory tier alone. */
final class MemoryChunkCacheTest extends ChunkCacheContract {
    @Override
    ChunkCache open(Path dir) {
        return ChunkCaches.inMemory(64L << 20);
    }
}
