package io.strata.fs.union;

import io.strata.fetcher.layer.LayerIndex;
import java.util.List;

/**
 * The merged, read-only tree of an image's layers (OCI image-spec layer.md semantics). Built once from the
 * layer indexes; immutable afterwards, so lookups need no locks.
 */
public final class UnionView {

    /** Merges {@code layersBottomToTop} (index 0 is the base layer). */
    public static UnionView build(List<LayerIndex> layersBottomToTop) {
        throw new UnsupportedOperationException("being written");
    }

    /** The root directory (inode 1). */
    public Node root() {
        throw new UnsupportedOperationException("being written");
    }

    /**
     * The node at {@code path} ("/usr/bin/env", "usr/bin/env", "/" or ""), walking directories only: a symlink
     * in the middle of the path is not followed (the kernel resolves symlinks before asking a FUSE fs); null
     * when absent.
     */
    public Node lookup(String path) {
        throw new UnsupportedOperationException("being written");
    }

    /** Number of distinct nodes (inodes) in the merged tree. */
    public long nodeCount() {
        throw new UnsupportedOperationException("being written");
    }
}
