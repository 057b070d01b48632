package io.strata.fs.pull;

import io.strata.fetcher.image.Digest;
import io.strata.fs.posix.Trees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot being built in the {@link SnapshotStore}'s {@code tmp/}: files go to {@link #directory()}, then
 * {@link #commit} publishes them under the chain ID with one rename; {@link #close()} without a commit deletes them.
 */
final class PendingSnapshot implements AutoCloseable {

    private final SnapshotStore store;
    private final Digest chainId;
    private final Path dir;
    private boolean committed;

    PendingSnapshot(SnapshotStore store, Digest chainId, Path dir) {
        this.store = store;
        this.chainId = chainId;
        this.dir = dir;
    }

    Path directory() {
        return dir;
    }

    /**
     * Writes {@code info}, makes every file durable and renames the directory to the chain ID. When another
     * process committed the same chain ID first, its snapshot is kept and returned (same content by
     * construction: same diff IDs all the way down, each verified).
     */
    Snapshot commit(Snapshot info) throws IOException {
        if (!info.chainId().equals(chainId)) {
            throw new IllegalArgumentException("snapshot " + info.chainId() + " committed as " + chainId);
        }
        if (info.parent() != null && !Files.isDirectory(store.pathOf(info.parent()))) {
            throw new IOException("the parent snapshot " + info.parent() + " of " + chainId + " is gone (removed"
                    + " while this pull ran?); pull again");
        }
        SnapshotStore.writeInfo(dir, info);
        for (String name : List.of(Snapshot.TAR, Snapshot.INDEX, Snapshot.INFO)) {
            SnapshotStore.fsync(dir.resolve(name), false);
        }
        SnapshotStore.fsync(dir, true);
        Path target = store.pathOf(chainId);
        Files.createDirectories(target.getParent());
        for (int attempt = 0; ; attempt++) {
            try {
                Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
                SnapshotStore.fsync(target.getParent(), true);
                return info.at(target);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the snapshot directory " + store.root() + " does not support atomic renames;"
                        + " use a local file system (--snapshot-dir)", e);
            } catch (FileSystemException e) {
                if (!Files.isDirectory(target) || attempt > 0) {
                    throw e;
                }
                Optional<Snapshot> theirs = store.find(chainId);
                if (theirs.isPresent()) {
                    return theirs.get(); // another pull committed it first; ours is deleted on close
                }
                store.discard(target); // damaged: replaced by ours
            }
        }
    }

    /** Deletes the directory unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            Trees.deleteRecursively(dir);
        }
    }
}
