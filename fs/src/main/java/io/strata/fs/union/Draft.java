package io.strata.fs.union;

import io.strata.fetcher.layer.Entry;
import java.util.TreeMap;

/**
 * A node of the tree while {@link TreeBuilder} merges layers: mutable, thrown away once frozen into
 * {@link Node}s. Directories are never shared (one parent each); a non-directory may hang under several names
 * (a hardlink group), which is why the names live in the parents' maps and the link count here.
 */
final class Draft {

    /** Metadata source; replaced in place only for a directory merged over a directory. */
    Entry entry;
    /** Layer (from the bottom) that produced {@link #entry}. */
    int layer;
    /** Children by name for a directory, null for anything else: the one test of "is a directory". */
    TreeMap<String, Draft> children;
    /** For a non-directory: how many names in the tree point at this draft (its future {@code nlink}). */
    int links;
    /** Set while freezing: the inode number, and the frozen node once built (shared by every link). */
    long inode;
    Node frozen;

    private Draft(Entry entry, int layer, TreeMap<String, Draft> children) {
        this.entry = entry;
        this.layer = layer;
        this.children = children;
    }

    static Draft directory(Entry entry, int layer) {
        return new Draft(entry, layer, new TreeMap<>());
    }

    static Draft leaf(Entry entry, int layer) {
        return new Draft(entry, layer, null);
    }

    boolean isDirectory() {
        return children != null;
    }
}
