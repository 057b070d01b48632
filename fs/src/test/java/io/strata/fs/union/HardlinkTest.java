package io.strata.fs.union;

import static io.strata.fs.union.Layers.dir;
import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.hardlink;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.lines;
import static io.strata.fs.union.Layers.render;
import static io.strata.fs.union.Layers.symlink;
import static io.strata.fs.union.Layers.view;
import static io.strata.fs.union.Layers.whiteout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import org.junit.jupiter.api.Test;

/** OCI layer.md "Hardlinks": one node per group, nlink = visible names. */
class HardlinkTest {

    /* L0: bin/ bin/busybox  bin/sh => bin/busybox  sbin/init => bin/busybox   (=> is a hardlink) */
    @Test
    void hardlink_groupInOneLayer_oneNodeWithTargetEntry() {
        Entry busybox = file("bin/busybox", 900);
        UnionView v = view(layer(dir("bin"), busybox, hardlink("bin/sh", "bin/busybox"),
                hardlink("sbin/init", "bin/busybox")));
        Node node = v.lookup("bin/busybox");
        assertSame(node, v.lookup("bin/sh"));
        assertSame(node, v.lookup("/sbin/init"));
        assertSame(busybox, node.entry(), "metadata and content are the target's");
        assertEquals(3, node.nlink());
        assertEquals(4, v.nodeCount(), "root, bin, sbin and one inode for the three names");
    }

    /* L0: a  b => a  c => a      L1: .wh.b      merged: a, c (one node, nlink 2) */
    @Test
    void hardlink_oneNameWhitedOutAbove_nlinkDrops() {
        UnionView v = view(layer(file("a"), hardlink("b", "a"), hardlink("c", "a")), layer(whiteout(".wh.b")));
        assertEquals(lines("a @0", "c @0"), render(v));
        assertEquals(2, v.lookup("a").nlink());
        assertSame(v.lookup("a"), v.lookup("c"));
    }

    /* L0: a  b => a     L1: .wh.a     merged: b keeps a's content, nlink 1 */
    @Test
    void hardlink_targetNameWhitedOut_otherNameKeepsContent() {
        Entry a = file("a", 77);
        UnionView v = view(layer(a, hardlink("b", "a")), layer(whiteout(".wh.a")));
        assertEquals(lines("b @0"), render(v));
        assertSame(a, v.lookup("b").entry());
        assertEquals(1, v.lookup("b").nlink());
    }

    /* L0: a  b => a     L1: a (new file)     merged: a @1 (nlink 1), b @0 with the old content (nlink 1) */
    @Test
    void hardlink_targetReplacedAbove_otherLinkKeepsOldContent() {
        Entry old = file("a", 5);
        UnionView v = view(layer(old, hardlink("b", "a")), layer(file("a", 6)));
        assertNotSame(v.lookup("a"), v.lookup("b"));
        assertSame(old, v.lookup("b").entry());
        assertEquals(6, v.lookup("a").entry().size());
        assertEquals(1, v.lookup("a").nlink());
        assertEquals(1, v.lookup("b").nlink());
    }

    /* L0: x/ x/f  y/g => x/f  z/h => x/f   L1: .wh.x (the directory)  L2: z/.wh..wh..opq   merged: y/g nlink 1 */
    @Test
    void hardlink_namesRemovedWithSubtreeAndOpaque_nlinkCountsOnlyVisible() {
        UnionView v = view(
                layer(dir("x"), file("x/f"), hardlink("y/g", "x/f"), hardlink("z/h", "x/f")),
                layer(whiteout(".wh.x")),
                layer(whiteout("z/.wh..wh..opq")));
        assertEquals(lines("y/", "y/g @0", "z/"), render(v));
        assertEquals(1, v.lookup("y/g").nlink());
    }

    /* L0: lib/libc.so    L1: lib/libc.so.6 => lib/libc.so (target in a lower layer: joins the lower inode) */
    @Test
    void hardlink_targetInLowerLayer_joinsLowerNode() {
        UnionView v = view(layer(file("lib/libc.so")), layer(hardlink("lib/libc.so.6", "lib/libc.so")));
        Node node = v.lookup("lib/libc.so.6");
        assertSame(v.lookup("lib/libc.so"), node);
        assertEquals(0, node.layer(), "content still comes from the lower layer");
        assertEquals(2, node.nlink());
    }

    /* The same layer replaces the lower target before the link is reached in tar order: the link joins it. */
    @Test
    void hardlink_targetReplacedEarlierInSameLayer_joinsSameLayerEntry() {
        UnionView v = view(layer(file("t", 1)), layer(file("t", 2), hardlink("u", "t")));
        assertSame(v.lookup("t"), v.lookup("u"));
        assertEquals(2, v.lookup("u").entry().size());
        assertEquals(1, v.lookup("u").layer());
    }

    /* A link to a link, and a link to a symlink (link(2) without following), are both one group. */
    @Test
    void hardlink_chainsAndSymlinkTargets_shareNode() {
        UnionView v = view(layer(file("f"), hardlink("g", "f"), hardlink("h", "g"), symlink("s", "f"),
                hardlink("t", "s")));
        assertSame(v.lookup("f"), v.lookup("h"));
        assertEquals(3, v.lookup("f").nlink());
        assertSame(v.lookup("s"), v.lookup("t"));
        assertEquals(EntryType.SYMLINK, v.lookup("t").entry().type());
    }

    @Test
    void hardlink_danglingTarget_throwsNamingLayerAndEntry() {
        LayerIndex bad = layer(file("a"), hardlink("b", "missing"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnionView.build(java.util.List.of(layer(file("x")), bad)));
        assertTrue(e.getMessage().contains("entry 'b' of layer 2 of 2 (" + bad.layerDigest() + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("'missing', which does not exist"), e.getMessage());
    }

    @Test
    void hardlink_toDirectory_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> view(layer(dir("d"), hardlink("l", "d"))));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    /* Whiteouts apply before the layer's entries: a link to a name this layer whites out finds nothing. */
    @Test
    void hardlink_toNameWhitedOutInSameLayer_throws() {
        assertThrows(IllegalArgumentException.class,
                () -> view(layer(file("a")), layer(whiteout(".wh.a"), hardlink("b", "a"))));
    }

    /* L0: d/ d/f  s -> d      L1: x => s/f   — the target is not resolved through the symlink */
    @Test
    void hardlink_targetThroughSymlink_throws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> view(layer(file("d/f"), symlink("s", "d")), layer(hardlink("x", "s/f"))));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
