package io.strata.fs.union;

import static io.strata.fs.union.Layers.dir;
import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.lines;
import static io.strata.fs.union.Layers.render;
import static io.strata.fs.union.Layers.symlink;
import static io.strata.fs.union.Layers.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.layer.EntryType;
import org.junit.jupiter.api.Test;

/** OCI layer.md "Changeset over existing files", and paths resolved by their real path. */
class ReplacementTest {

    /* L0: p (file)   L1: p/ p/in   L2: p (file)   merged: p @2 */
    @Test
    void replace_fileDirFileAcrossThreeLayers_upperWinsEachTime() {
        UnionView v = view(layer(file("p", 10)), layer(dir("p"), file("p/in")), layer(file("p", 30)));
        assertEquals(lines("p @2"), render(v));
        assertEquals(30, v.lookup("p").entry().size());
        assertNull(v.lookup("p/in"));
        assertEquals(2, v.nodeCount());
    }

    /* L0: d/ (0700) d/a d/s/   L1: d/ (0755, uid 1000) d/b   merged: d/ (L1 metadata) d/a d/b d/s/ */
    @Test
    void replace_directoryOverDirectory_mergesWithUpperMetadata() {
        UnionView v = view(layer(dir("d", 0700), file("d/a"), dir("d/s")), layer(dir("d", 0755), file("d/b")));
        assertEquals(lines("d/", "d/a @0", "d/b @1", "d/s/"), render(v));
        Node d = v.lookup("d");
        assertEquals(0755, d.entry().mode());
        assertEquals(1, d.layer());
        assertEquals(3, d.nlink());
    }

    /* L0: d/ d/a   L1: d (file)   L2: d/ d/b   merged: d/ d/b — the directory over a file starts fresh */
    @Test
    void replace_directoryOverFile_startsWithoutLowerChildren() {
        UnionView v = view(layer(file("d/a")), layer(file("d")), layer(dir("d"), file("d/b")));
        assertEquals(lines("d/", "d/b @2"), render(v));
    }

    /*
     * L0: usr/ usr/lib/ usr/lib/x  lib/ lib/y    L1: lib -> usr/lib
     * merged: lib -> usr/lib (the lower lib/y is gone, not merged through the link), usr/lib/x
     */
    @Test
    void symlink_overLowerDirectory_hidesLowerChildren() {
        UnionView v = view(
                layer(dir("usr"), dir("usr/lib"), file("usr/lib/x"), dir("lib"), file("lib/y")),
                layer(symlink("lib", "usr/lib")));
        assertEquals(lines("lib -> usr/lib @1", "usr/", "usr/lib/", "usr/lib/x @0"), render(v));
        assertNull(v.lookup("lib/y"));
        assertNull(v.lookup("lib/x"), "lookup never follows a symlink");
        assertEquals(EntryType.SYMLINK, v.lookup("/lib").entry().type());
    }

    /*
     * L0: lib -> usr/lib  usr/lib/   L1: lib/extra
     * The upper entry's parent is a symlink in the merged tree: a directory replaces it (overlay snapshotter,
     * umoci); nothing is written through the link into usr/lib.
     */
    @Test
    void upperEntryUnderLowerSymlink_replacesSymlinkWithImplicitDirectory() {
        UnionView v = view(layer(symlink("lib", "usr/lib"), dir("usr"), dir("usr/lib")), layer(file("lib/extra")));
        assertEquals(lines("lib/", "lib/extra @1", "usr/", "usr/lib/"), render(v));
        assertEquals(0755, v.lookup("lib").entry().mode());
        assertEquals(1, v.lookup("lib").layer());
    }

    /* Within one layer, tar order decides: L0 lists "a/b" then "a" as a symlink, so the symlink wins. */
    @Test
    void sameLayer_laterEntryAtSamePath_wins() {
        UnionView v = view(layer(file("a/b"), symlink("a", "elsewhere"), symlink("c", "x"), file("c/d")));
        assertEquals(lines("a -> elsewhere @0", "c/", "c/d @0"), render(v));
    }

    /*
     * A tar that lists only deep files: every missing parent is synthesized 0755 root:root mtime 0.
     * L0: a/b/c/d/e/f
     */
    @Test
    void implicitParents_deepPath_synthesized0755RootOwned() {
        UnionView v = view(layer(file("a/b/c/d/e/f")));
        assertEquals(lines("a/", "a/b/", "a/b/c/", "a/b/c/d/", "a/b/c/d/e/", "a/b/c/d/e/f @0"), render(v));
        Node e = v.lookup("a/b/c/d/e");
        assertEquals(EntryType.DIRECTORY, e.entry().type());
        assertEquals(0755, e.entry().mode());
        assertEquals(0, e.entry().uid());
        assertEquals(0, e.entry().gid());
        assertEquals(0, e.entry().mtimeSeconds());
        assertEquals("a/b/c/d/e", e.entry().path());
        assertTrue(e.entry().xattrs().isEmpty());
    }

    /* L0: a/ (0700, explicit)   L1: a/b/c   — the existing directory keeps its metadata */
    @Test
    void implicitParents_overExistingDirectory_keepLowerMetadata() {
        UnionView v = view(layer(dir("a", 0700)), layer(file("a/b/c")));
        assertEquals(0700, v.lookup("a").entry().mode());
        assertEquals(0, v.lookup("a").layer());
        assertEquals(0755, v.lookup("a/b").entry().mode());
    }

    /* L0 lists a child before its directory: the explicit entry later gives the metadata. */
    @Test
    void implicitParents_explicitEntryLaterInTar_givesMetadata() {
        UnionView v = view(layer(file("a/b"), dir("a", 0711)));
        assertEquals(0711, v.lookup("a").entry().mode());
        assertEquals(lines("a/", "a/b @0"), render(v));
    }

    /*
     * One layer, tar order: a/b/f1, then "a" as a file (the directory and its subtree go), then a/b/f2.
     * merged: a/ a/b/ a/b/f2 — the second a/b is a new directory, not the one the file replaced.
     */
    @Test
    void sameLayer_directoryReplacedThenReused_newImplicitDirectories() {
        UnionView v = view(layer(file("a/b/f1"), file("a"), file("a/b/f2")));
        assertEquals(lines("a/", "a/b/", "a/b/f2 @0"), render(v));
        assertEquals(4, v.nodeCount());
    }
}
