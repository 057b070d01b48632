package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.Path;

/** The contract on the disk tier alone (memory bound 0). */
final class DiskChunkCacheTest extends ChunkCacheContract {
    @Override
    ChunkCache open(Path dir) throws IOException {
        return ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(0).diskMaxBytes(1L << 30).build());
    }
}
