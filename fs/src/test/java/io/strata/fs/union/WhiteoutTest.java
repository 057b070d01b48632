package io.strata.fs.union;

import static io.strata.fs.union.Layers.dir;
import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.lines;
import static io.strata.fs.union.Layers.render;
import static io.strata.fs.union.Layers.symlink;
import static io.strata.fs.union.Layers.view;
import static io.strata.fs.union.Layers.whiteout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** OCI layer.md "Whiteouts" and "Opaque Whiteout". */
class WhiteoutTest {

    /*
     * L0: etc/ etc/passwd etc/hosts      L1: etc/.wh.hosts
     * merged: etc/ etc/passwd
     */
    @Test
    void whiteout_file_hidesLowerFile() {
        UnionView v = view(
                layer(dir("etc"), file("etc/passwd"), file("etc/hosts")),
                layer(whiteout("etc/.wh.hosts")));
        assertEquals(lines("etc/", "etc/passwd @0"), render(v));
        assertNull(v.lookup("etc/hosts"));
        assertNull(v.lookup("etc/.wh.hosts"));
    }

    /*
     * L0: a/ a/b/ a/b/c/ a/b/c/bar  x      L1: .wh.a
     * merged: x
     */
    @Test
    void whiteout_directory_removesWholeSubtree() {
        UnionView v = view(
                layer(dir("a"), dir("a/b"), dir("a/b/c"), file("a/b/c/bar"), file("x")),
                layer(whiteout(".wh.a")));
        assertEquals(lines("x @0"), render(v));
        assertNull(v.lookup("a/b/c/bar"));
        assertEquals(2, v.nodeCount());
    }

    /*
     * L0: f  d/ d/old            L1 (whiteouts listed before AND after the re-adds): .wh.d  f  d/ d/new  .wh.f
     * merged: d/ d/new (L1)  f (L1): the whiteouts apply to L0 only
     */
    @Test
    void whiteout_reAddedInSameLayer_showsSameLayerEntry() {
        UnionView v = view(
                layer(file("f"), dir("d"), file("d/old")),
                layer(whiteout(".wh.d"), file("f"), dir("d"), file("d/new"), whiteout(".wh.f")));
        assertEquals(lines("d/", "d/new @1", "f @1"), render(v));
        assertEquals(1, v.lookup("d").layer());
    }

    /* L0: .wh.ghost  a/.wh.b  a/c      merged: a/ a/c (whiteouts in the base layer hide nothing, never shown) */
    @Test
    void whiteout_inBaseLayer_noEffectAndNotShown() {
        UnionView v = view(layer(whiteout(".wh.ghost"), whiteout("a/.wh.b"), file("a/c")));
        assertEquals(lines("a/", "a/c @0"), render(v));
    }

    /*
     * L0: a/x      L1: a/.wh.never  q/r/.wh.nothing
     * merged: a/ a/x  q/ q/r/  (the whiteouts' directories exist in L1, synthesized)
     */
    @Test
    void whiteout_ofNameThatNeverExisted_noEffect() {
        UnionView v = view(layer(file("a/x")), layer(whiteout("a/.wh.never"), whiteout("q/r/.wh.nothing")));
        assertEquals(lines("a/", "a/x @0", "q/", "q/r/"), render(v));
        assertEquals(0755, v.lookup("q/r").entry().mode());
    }

    /*
     * L0: x/ x/f  a -> x       L1: a/.wh.f
     * The whiteout is not resolved through the symlink: x/f stays. Its directory a/ exists in L1 and replaces
     * the symlink (overlay-snapshotter behaviour, see UnionView).
     */
    @Test
    void whiteout_underLowerSymlink_doesNotFollowLink() {
        UnionView v = view(layer(dir("x"), file("x/f"), symlink("a", "x")), layer(whiteout("a/.wh.f")));
        assertEquals(lines("a/", "x/", "x/f @0"), render(v));
    }

    /* names starting with ".wh." are reserved: nothing under a ".wh."-named directory is shown. */
    @Test
    void whiteout_entriesUnderWhiteoutNamedDirectory_notShown() {
        UnionView v = view(layer(file("keep")), layer(dir(".wh.dir"), file(".wh.dir/inner"), file("a/.wh..wh.plnk/x")));
        assertEquals(lines("keep @0"), render(v));
    }

    /*
     * L0: bin/ bin/my-app-binary bin/my-app-tools bin/tools/ bin/tools/one   L1: bin/ bin/.wh..wh..opq bin/new
     * merged: bin/ bin/new
     */
    @Test
    void opaque_hidesLowerChildrenKeepsSameLayerChildren() {
        UnionView v = view(
                layer(dir("bin"), file("bin/my-app-binary"), file("bin/my-app-tools"), dir("bin/tools"),
                        file("bin/tools/one")),
                layer(dir("bin"), whiteout("bin/.wh..wh..opq"), file("bin/new")));
        assertEquals(lines("bin/", "bin/new @1"), render(v));
        assertEquals(1, v.lookup("bin").layer());
    }

    /*
     * The spec's example: the marker comes last in tar order and still applies first.
     * L0: a/ a/b/ a/b/c/ a/b/c/bar      L1: a/ a/b/ a/b/c/ a/b/c/foo a/.wh..wh..opq
     * merged: a/ a/b/ a/b/c/ a/b/c/foo
     */
    @Test
    void opaque_listedAfterSiblings_stillAppliesFirst() {
        UnionView v = view(
                layer(dir("a"), dir("a/b"), dir("a/b/c"), file("a/b/c/bar")),
                layer(dir("a"), dir("a/b"), dir("a/b/c"), file("a/b/c/foo"), whiteout("a/.wh..wh..opq")));
        assertEquals(lines("a/", "a/b/", "a/b/c/", "a/b/c/foo @1"), render(v));
    }

    /*
     * L0: d/ (0700) d/old d/sub/ d/sub/deep
     * L1: d/ (0711) d/.wh..wh..opq d/fresh  — the directory is replaced (new metadata) and made opaque
     * merged: d/ (0711, L1) d/fresh
     */
    @Test
    void opaque_inDirectoryAlsoReplaced_upperMetadataOnlyUpperChildren() {
        UnionView v = view(
                layer(dir("d", 0700), file("d/old"), dir("d/sub"), file("d/sub/deep")),
                layer(dir("d", 0711), whiteout("d/.wh..wh..opq"), file("d/fresh")));
        assertEquals(lines("d/", "d/fresh @1"), render(v));
        assertEquals(0711, v.lookup("/d").entry().mode());
        assertEquals(2, v.lookup("/d").nlink());
    }

    /* L0: d (a file)   L1: d/.wh..wh..opq d/x   merged: d/ d/x — the opaque directory starts fresh over a file */
    @Test
    void opaque_overLowerFile_directoryStartsFresh() {
        UnionView v = view(layer(file("d")), layer(whiteout("d/.wh..wh..opq"), file("d/x")));
        assertEquals(lines("d/", "d/x @1"), render(v));
    }

    /* L0: a b/ b/c   L1: .wh..wh..opq z   merged: z */
    @Test
    void opaque_atRoot_hidesEverythingBelow() {
        UnionView v = view(layer(file("a"), dir("b"), file("b/c")), layer(whiteout(".wh..wh..opq"), file("z")));
        assertEquals(lines("z @1"), render(v));
        assertEquals(2, v.nodeCount());
    }

    /* L0: d/ d/a   L1: d/.wh..wh..opq   L2: d/b   merged: d/ d/b — L2 merges on top of the opaque L1 directory */
    @Test
    void opaque_thenUpperLayerAdds_mergesAboveOpaque() {
        UnionView v = view(layer(file("d/a")), layer(whiteout("d/.wh..wh..opq")), layer(file("d/b")));
        assertEquals(lines("d/", "d/b @2"), render(v));
    }

    /* "x.wh.y" and "a.wh..wh..opq" are ordinary names: the prefix only matters at the start of a basename. */
    @Test
    void names_whiteoutPrefixNotAtStart_ordinaryFiles() {
        UnionView v = view(
                layer(file("y"), file("opq")),
                layer(file("x.wh.y"), file("a.wh..wh..opq"), file("dir.wh.x/f")));
        assertEquals(lines("a.wh..wh..opq @1", "dir.wh.x/", "dir.wh.x/f @1", "opq @0", "x.wh.y @1", "y @0"),
                render(v));
    }
}
