package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.Path;

/** The contract on memory over disk, as mounts use it. */
final class TieredChunkCacheTest extends ChunkCacheContract {
    @Override
    ChunkCache open(Path dir) throws IOException {
        return ChunkCaches.open(CacheConfig.builder().directory(dir).memoryMaxBytes(16L << 20)
                .diskMaxBytes(1L << 30).build());
    }
}
