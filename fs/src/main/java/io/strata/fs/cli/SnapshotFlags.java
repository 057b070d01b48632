package io.strata.fs.cli;

import io.strata.fs.pull.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where {@code strata pull} keeps layer snapshots: {@code --snapshot-dir}, else {@code snapshots/} in the cache directory. */
final class SnapshotFlags {

    @Option(names = "--snapshot-dir", paramLabel = "DIR",
            description = "Snapshot store of strata pull (default: snapshots/ in the cache directory).")
    Path snapshotDir;

    Path directory(CacheFlags cache) {
        return snapshotDir != null ? snapshotDir.toAbsolutePath().normalize() : SnapshotStore.defaultDirectory(cache.directory());
    }

    SnapshotStore open(CacheFlags cache) throws IOException {
        return SnapshotStore.open(directory(cache));
    }
}
