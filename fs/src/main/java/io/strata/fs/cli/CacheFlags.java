package io.strata.fs.cli;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.CacheConfig;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where fetched content is kept: {@code --cache-dir}, else {@code $STRATA_CACHE_DIR}, else a per-user default. */
final class CacheFlags {

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache directory (default: $STRATA_CACHE_DIR, else /var/cache/strata for root, else $XDG_CACHE_HOME/strata).")
    Path cacheDir;

    Path directory() {
        return (cacheDir != null ? cacheDir : CacheConfig.defaultDirectory()).toAbsolutePath();
    }

    FileStore open() throws IOException {
        return new FileStore(directory());
    }
}
