package io.strata.fs.union;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.util.Collections;
import java.util.SortedMap;

/**
 * One file of the merged tree. A node has no name: names live in its parent's {@link #children()} map, so the
 * paths of a hardlink group all map to the same node (one inode, {@code nlink} = number of visible paths).
 *
 * <p>Identity is the inode: {@link #equals} is object identity and {@link #hashCode} the inode number, because
 * the record defaults would compare and hash a directory's whole subtree.
 *
 * @param inode    stable inode number within the mount (the root is 1)
 * @param entry    metadata source: the winning layer's entry (for a hardlink, the target's entry with its
 *                 content, so {@code entry.path()} may be another name of the group; for a directory that no
 *                 layer lists explicitly, a synthesized 0755 root-owned entry with mtime 0)
 * @param layer    index of the layer whose {@code EntryReader} produces the content, counted from the bottom (0)
 * @param nlink    link count as {@code stat} shows it (directories: 2 + number of subdirectories)
 * @param children for a directory, the merged children by name (sorted, whiteouts never present); else empty
 */
public record Node(long inode, Entry entry, int layer, int nlink, SortedMap<String, Node> children) {

    public Node {
        if (children == null) {
            children = Collections.emptySortedMap();
        } else if (!(children instanceof ChildMap)) { // ChildMap is immutable already: no wrapper per directory
            children = Collections.unmodifiableSortedMap(children);
        }
    }

    public boolean isDirectory() {
        return entry.type() == EntryType.DIRECTORY;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(inode);
    }

    @Override
    public String toString() {
        return "Node[inode=" + inode + ", " + entry + ", layer=" + layer + ", nlink=" + nlink
                + (isDirectory() ? ", children=" + children.size() : "") + "]";
    }
}
