package io.strata.fs.union;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.util.Collections;
import java.util.SortedMap;

/**
 * One file of the merged tree. A node has no name: names live in its parent's {@link #children()} map, so the
 * paths of a hardlink group all map to the same node (one inode, {@code nlink} = number of visible paths).
 *
 * @param inode    stable inode number within the mount (the root is 1)
 * @param entry    metadata source: the winning layer's entry (for a hardlink, the target's entry with its
 *                 content; for a directory that no layer lists explicitly, a synthesized 0755 root-owned entry)
 * @param layer    index of the layer whose {@code EntryReader} produces the content, counted from the bottom (0)
 * @param nlink    link count as {@code stat} shows it (directories: 2 + number of subdirectories)
 * @param children for a directory, the merged children by name (sorted, whiteouts never present); else empty
 */
public record Node(long inode, Entry entry, int layer, int nlink, SortedMap<String, Node> children) {

    public Node {
        children = children == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(children);
    }

    public boolean isDirectory() {
        return entry.type() == EntryType.DIRECTORY;
    }
}
