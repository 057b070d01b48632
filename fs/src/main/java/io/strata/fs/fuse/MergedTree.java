package io.strata.fs.fuse;

import io.strata.fs.union.Node;

/**
 * The read-only tree a {@link StrataFs} serves. {@link io.strata.fs.union.UnionView} is the production
 * implementation; tests build small trees by hand. Implementations are immutable, so every method may be called
 * from many libfuse threads at once without locking.
 */
public interface MergedTree {

    /** The root directory. */
    Node root();

    /**
     * The node at {@code path} ("/", "/usr/bin/env"); null when absent. Symlinks inside the path are not followed:
     * the kernel resolves them before it asks a FUSE filesystem.
     */
    Node lookup(String path);

    /** Number of distinct nodes (inodes) in the tree, for {@code statfs}. */
    long nodeCount();
}
