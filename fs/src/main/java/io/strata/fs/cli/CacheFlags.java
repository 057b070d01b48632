package io.strata.fs.cli;

import io.strata.cache.FileStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where fetched content is kept: {@code --cache-dir}, else {@code $STRATA_CACHE_DIR}, else a per-user default. */
final class CacheFlags {

    static final String ENV = "STRATA_CACHE_DIR";

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Cache directory (default: $STRATA_CACHE_DIR, else /var/cache/strata for root, else $XDG_CACHE_HOME/strata).")
    Path cacheDir;

    Path directory() {
        if (cacheDir != null) {
            return cacheDir.toAbsolutePath();
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/cache/strata");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("strata");
    }

    FileStore open() throws IOException {
        return new FileStore(directory());
    }
}
