package io.strata.fs.union;

import static io.strata.fs.union.Layers.dir;
import static io.strata.fs.union.Layers.entry;
import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.lines;
import static io.strata.fs.union.Layers.render;
import static io.strata.fs.union.Layers.symlink;
import static io.strata.fs.union.Layers.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Root, lookup, inode numbering, link counts, names and bad input. */
class UnionViewTest {

    @Test
    void build_noLayers_synthesizedRootOnly() {
        UnionView v = UnionView.build(List.of());
        Node root = v.root();
        assertEquals(1, root.inode());
        assertEquals(EntryType.DIRECTORY, root.entry().type());
        assertEquals(0755, root.entry().mode());
        assertEquals(0, root.entry().uid());
        assertEquals(2, root.nlink());
        assertTrue(root.children().isEmpty());
        assertEquals(1, v.nodeCount());
        assertEquals(0, v.layerCount());
    }

    /* L0: "" (0700)   L1: "" (0711)   L2: f   — the topmost layer that lists the root gives its metadata */
    @Test
    void build_rootEntries_topmostListedRootWins() {
        UnionView v = view(layer(dir("", 0700)), layer(dir("", 0711)), layer(file("f")));
        assertEquals(0711, v.root().entry().mode());
        assertEquals(1, v.root().layer());
        assertEquals(3, v.layerCount());
    }

    @Test
    void build_rootEntryNotDirectory_throwsNamingLayer() {
        LayerIndex bad = layer(file(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view(bad));
        assertTrue(e.getMessage().contains("layer 1 of 1 (" + bad.layerDigest() + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void build_nonNormalizedOrHostilePaths_throw() {
        for (String path : List.of("../etc/passwd", "/abs", "a/./b", "a//b", "a/b/", "a/../b", "nul\0x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> view(layer(file(path))), path);
            assertTrue(e.getMessage().contains("not a normalized relative path"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> view(layer(file("a"), Layers.hardlink("b", "../a"))));
    }

    @Test
    void build_nullLayer_throwsNamingPosition() {
        List<LayerIndex> layers = new ArrayList<>();
        layers.add(layer(file("a")));
        layers.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnionView.build(layers));
        assertTrue(e.getMessage().contains("layer 2 of 2"), e.getMessage());
    }

    /* L0: a/ a/b/ a/b/c  s -> a  f */
    @Test
    void lookup_pathSpellings_resolveOrReturnNull() {
        UnionView v = view(layer(dir("a"), dir("a/b"), file("a/b/c"), symlink("s", "a"), file("f")));
        Node c = v.lookup("a/b/c");
        assertNotNull(c);
        assertSame(c, v.lookup("/a/b/c"));
        assertSame(c, v.lookup("a//b/c"));
        assertSame(v.root(), v.lookup("/"));
        assertSame(v.root(), v.lookup(""));
        assertSame(v.lookup("a/b"), v.lookup("/a/b/"));
        assertNull(v.lookup("a/x"), "absent");
        assertNull(v.lookup("f/x"), "middle component is a file");
        assertNull(v.lookup("s/b"), "middle component is a symlink: not followed");
        assertNull(v.lookup("a/./b"));
        assertNull(v.lookup("a/b/c/.."));
    }

    /*
     * L0: b/ b/y  a/ a/z/ a/z/q  a/x  c
     * depth-first in sorted order: / =1, a =2, a/x =3, a/z =4, a/z/q =5, b =6, b/y =7, c =8
     */
    @Test
    void inodes_depthFirstSortedOrder_deterministicAcrossBuilds() {
        List<LayerIndex> layers = List.of(
                layer(dir("b"), file("b/y"), dir("a"), dir("a/z"), file("a/z/q")),
                layer(file("a/x"), file("c")));
        UnionView v = UnionView.build(layers);
        String[] order = {"", "a", "a/x", "a/z", "a/z/q", "b", "b/y", "c"};
        for (int i = 0; i < order.length; i++) {
            assertEquals(i + 1, v.lookup(order[i]).inode(), order[i]);
        }
        UnionView again = UnionView.build(layers);
        for (String path : order) {
            assertEquals(v.lookup(path).inode(), again.lookup(path).inode());
        }
        assertEquals(8, v.nodeCount());
    }

    /* L0: d/ d/s1/ d/s2/ d/f  d/l -> s1   => nlink(d) = 2 + 2, nlink(root) = 2 + 1 */
    @Test
    void nlink_directories_countSubdirectoriesOnly() {
        UnionView v = view(layer(dir("d"), dir("d/s1"), dir("d/s2"), file("d/f"), symlink("d/l", "s1")));
        assertEquals(4, v.lookup("d").nlink());
        assertEquals(3, v.root().nlink());
        assertEquals(2, v.lookup("d/s1").nlink());
        assertEquals(1, v.lookup("d/f").nlink());
    }

    @Test
    void names_nonAsciiAndLong_keptExactly() {
        String longName = "n".repeat(255);
        String deep = String.join("/", java.util.Collections.nCopies(40, "très-long-répertoire"));
        UnionView v = view(layer(file("données/日本語.txt"), file("emoji/\uD83D\uDE00.bin"), file(longName),
                file(deep + "/leaf")));
        assertNotNull(v.lookup("/données/日本語.txt"));
        assertNotNull(v.lookup("emoji/\uD83D\uDE00.bin"));
        assertNotNull(v.lookup(longName));
        assertNotNull(v.lookup(deep + "/leaf"));
        assertEquals(40, v.lookup(deep).entry().path().split("/").length);
    }

    @Test
    void nodeCount_mixedTree_countsDistinctInodes() {
        UnionView v = view(
                layer(dir("etc"), file("etc/a"), file("etc/b"), dir("usr"), file("usr/x")),
                layer(Layers.whiteout("etc/.wh.a"), Layers.hardlink("usr/y", "usr/x"), file("z")));
        // root, etc, etc/b, usr, usr/x (= usr/y), z
        assertEquals(6, v.nodeCount());
    }

    /* A pathological 5 000-level nesting is built, whited out and frozen without recursion. */
    @Test
    void build_veryDeepNesting_noStackOverflow() {
        String deep = String.join("/", java.util.Collections.nCopies(5_000, "d"));
        UnionView v = view(layer(file(deep + "/f")), layer(file("d/d/other")));
        assertNotNull(v.lookup(deep + "/f"));
        assertEquals(5_003, v.nodeCount()); // root + 5000 directories + f + other
        UnionView hidden = view(layer(file(deep + "/f")), layer(Layers.whiteout(".wh.d")));
        assertEquals(1, hidden.nodeCount());
    }

    @Test
    void node_equalityIsIdentityAndHashIsCheap() {
        UnionView v = view(layer(file("a")));
        UnionView w = view(layer(file("a")));
        assertEquals(v.lookup("a").inode(), w.lookup("a").inode());
        assertTrue(!v.lookup("a").equals(w.lookup("a")), "nodes of different views are different inodes");
        assertEquals(Long.hashCode(1), v.root().hashCode());
        assertTrue(v.root().toString().contains("children=1"), v.root().toString());
    }

    @Test
    void devicesAndFifos_keptAsLeaves() {
        Entry fifo = entry("run/fifo", EntryType.FIFO, 0600, 0, null);
        UnionView v = view(layer(fifo, entry("dev/null", EntryType.CHAR_DEVICE, 0666, 0, null)));
        assertSame(fifo, v.lookup("run/fifo").entry());
        assertEquals(lines("dev/", "dev/null @0", "run/", "run/fifo @0"), render(v));
    }
}
