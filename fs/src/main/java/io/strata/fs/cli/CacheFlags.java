package io.strata.fs.cli;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.CacheConfig;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where fetched content is kept: {@code --cache-dir}, else {@code $STRATA_CACHE_DIR}, else a per-user default. */
final class CacheFlags {

    static final long MOUNT_MEMORY_BYTES = 64L << 20;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache directory (default: $STRATA_CACHE_DIR, else /var/cache/strata for root, else $XDG_CACHE_HOME/strata).")
    Path cacheDir;

    @Option(names = "--cache-max-size", paramLabel = "SIZE",
            description = "Bound of the cache on disk, e.g. 512M, 10G (default: min(10G, 25%% of the free space)).")
    String maxSize;

    Path directory() {
        return (cacheDir != null ? cacheDir : CacheConfig.defaultDirectory()).toAbsolutePath();
    }

    FileStore open() throws IOException {
        return new FileStore(directory());
    }

    /**
     * The chunk cache of this directory, for a mount. Its memory tier stays small: the kernel's page cache
     * already keeps what a mount served ({@code kernel_cache}).
     */
    ChunkCache openChunks() throws IOException {
        CacheConfig.Builder config = CacheConfig.builder().directory(directory()).memoryMaxBytes(MOUNT_MEMORY_BYTES);
        if (maxSize != null) {
            config.diskMaxSize(maxSize);
        }
        return ChunkCaches.open(config.build());
    }
}
