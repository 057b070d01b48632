package io.strata.fs.union;

import io.strata.fetcher.layer.LayerIndex;
import java.util.List;
import java.util.Objects;

/**
 * The merged, read-only tree of an image's layers (OCI image-spec layer.md semantics). Built once, eagerly,
 * from the layer indexes; immutable afterwards, so lookups need no locks.
 *
 * <p>Rules, applied layer by layer from the bottom:
 * <ul>
 *   <li><b>Whiteouts.</b> {@code .wh.<name>} in layer L hides {@code <name>} (a file or a whole subtree) coming
 *       from layers below L; an entry {@code <name>} in L itself still shows. {@code .wh..wh..opq} in directory
 *       D hides every child of D from below L and applies first, wherever it sits in L's tar order. Names
 *       starting with {@code .wh.} are never shown (the prefix only counts at the start of a name: {@code
 *       x.wh.y} is an ordinary file), and neither is anything under a {@code .wh.}-named directory.</li>
 *   <li><b>Replacement.</b> The upper entry wins. A directory over a directory merges (upper metadata, both
 *       sets of children); a directory over a non-directory starts empty; a non-directory over a directory
 *       takes the whole subtree away (layer.md, "Changeset over existing files").</li>
 *   <li><b>Real paths only.</b> Paths are never resolved through a symlink: an upper symlink {@code a} hides
 *       the lower directory {@code a} and all below it; a whiteout whose directory is not a directory in the
 *       merged tree hides nothing. An entry whose parent is a non-directory in the merged tree gets a directory
 *       there, replacing the non-directory — what containerd's default overlayfs snapshotter shows (each layer
 *       extracted into its own directory, the upper directory winning over a lower non-directory) and what
 *       {@code umoci unpack} produces. Entries are applied in tar order, so within one layer a later entry at
 *       the same path wins; this is deterministic for a given index.</li>
 *   <li><b>Implicit parents.</b> A directory that a layer uses without listing it is synthesized as DIRECTORY,
 *       0755, uid/gid 0, mtime 0 (containerd and umoci create missing parents 0755). An existing directory
 *       keeps its metadata. The parent of a whiteout exists in its layer too, so it is synthesized the same
 *       way (an overlay-format layer would contain that directory).</li>
 *   <li><b>Hardlinks.</b> A hardlink joins the non-directory the merged tree has at its target path when the
 *       link is reached in tar order, after L's whiteouts: normally an earlier entry of the same layer, but a
 *       lower layer's file is accepted as well. All names of a group share one {@link Node} whose entry is the
 *       target's; {@code nlink} counts the names still visible after all layers. Replacing one name later
 *       leaves the others with the old content, as an extracted tree would. A hardlink to nothing or to a
 *       directory fails the build.</li>
 *   <li><b>Root and inodes.</b> The root's metadata is the topmost layer entry with path {@code ""}, else a
 *       synthesized 0755 directory. Inodes are numbered depth-first in sorted name order from 1 (the root),
 *       so they are stable for the life of the view and the same for the same layers. Directories have
 *       {@code nlink} = 2 + number of subdirectories.</li>
 * </ul>
 *
 * <p>A malformed layer (non-normalized or hostile path, a root entry that is not a directory, a dangling
 * hardlink) fails {@link #build} with an {@link IllegalArgumentException} naming the layer and the entry.
 */
public final class UnionView {

    private final Node root;
    private final long nodeCount;
    private final int layerCount;

    private UnionView(Node root, long nodeCount, int layerCount) {
        this.root = root;
        this.nodeCount = nodeCount;
        this.layerCount = layerCount;
    }

    /** Merges {@code layersBottomToTop} (index 0 is the base layer; an empty list gives an empty root). */
    public static UnionView build(List<LayerIndex> layersBottomToTop) {
        Objects.requireNonNull(layersBottomToTop, "layersBottomToTop");
        int count = layersBottomToTop.size();
        TreeBuilder builder = new TreeBuilder(count);
        for (int i = 0; i < count; i++) {
            LayerIndex layer = layersBottomToTop.get(i);
            if (layer == null) {
                throw new IllegalArgumentException("layer " + (i + 1) + " of " + count + " is null; every layer"
                        + " of the image needs an index before the union can be built");
            }
            builder.apply(i, layer);
        }
        Freezer freezer = new Freezer();
        Node root = freezer.freeze(builder.root());
        return new UnionView(root, freezer.count(), count);
    }

    /** The root directory (inode 1). */
    public Node root() {
        return root;
    }

    /**
     * The node at {@code path} ("/usr/bin/env", "usr/bin/env", "/" or ""), walking directories only: a symlink
     * in the middle of the path is not followed (the kernel resolves symlinks before asking a FUSE fs); null
     * when absent or when a middle component is not a directory. Repeated slashes are ignored; {@code .} and
     * {@code ..} are not interpreted (the kernel resolves them) and so find nothing.
     */
    public Node lookup(String path) {
        Node node = root;
        int length = path.length();
        int start = 0;
        while (start < length) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                if (!node.isDirectory()) {
                    return null;
                }
                node = node.children().get(path.substring(start, end));
                if (node == null) {
                    return null;
                }
            }
            start = end + 1;
        }
        return node;
    }

    /** Number of distinct nodes (inodes) in the merged tree: a hardlink group counts once. */
    public long nodeCount() {
        return nodeCount;
    }

    /** Number of layers merged. */
    public int layerCount() {
        return layerCount;
    }
}
