package io.strata.fs.union;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns the merged {@link Draft} tree into immutable {@link Node}s. Inode numbers are handed out depth-first in
 * sorted name order (the root is 1), so the same layers always give the same numbers; a hardlink group gets
 * its number, and its one {@code Node}, where it is first met. Iterative, because a hostile layer may nest
 * directories deeper than the Java stack.
 */
final class Freezer {

    private long nextInode = 1;

    /** One directory being frozen: its children are collected into arrays in name order. */
    private static final class Frame {
        final Draft dir;
        final String name;
        final Iterator<Map.Entry<String, Draft>> pending;
        final String[] names;
        final Node[] nodes;
        int filled;
        int subdirectories;

        Frame(Draft dir, String name) {
            this.dir = dir;
            this.name = name;
            this.pending = dir.children.entrySet().iterator();
            this.names = new String[dir.children.size()];
            this.nodes = new Node[names.length];
        }

        void add(String childName, Node child) {
            names[filled] = childName;
            nodes[filled++] = child;
            if (child.isDirectory()) {
                subdirectories++;
            }
        }
    }

    /** Freezes the tree under {@code root}; the drafts are consumed (their child maps are dropped). */
    Node freeze(Draft root) {
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        root.inode = nextInode++;
        stack.push(new Frame(root, ""));
        Node frozenRoot = null;
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (top.pending.hasNext()) {
                Map.Entry<String, Draft> next = top.pending.next();
                Draft child = next.getValue();
                if (child.frozen != null) {
                    top.add(next.getKey(), child.frozen); // another name of a hardlink group met before
                } else if (child.isDirectory()) {
                    child.inode = nextInode++; // pre-order numbering; the node itself is built post-order
                    stack.push(new Frame(child, next.getKey()));
                } else {
                    child.frozen = new Node(nextInode++, child.entry, child.layer, child.links, null);
                    top.add(next.getKey(), child.frozen);
                }
                continue;
            }
            stack.pop();
            Draft dir = top.dir;
            Node node = new Node(dir.inode, dir.entry, dir.layer, 2 + top.subdirectories,
                    ChildMap.of(top.names, top.nodes));
            dir.frozen = node;
            dir.children = null; // let the build-time map go as soon as possible: peak memory on big images
            if (stack.isEmpty()) {
                frozenRoot = node;
            } else {
                stack.peek().add(top.name, node);
            }
        }
        return frozenRoot;
    }

    /** Number of nodes frozen so far (= highest inode number). */
    long count() {
        return nextInode - 1;
    }
}
