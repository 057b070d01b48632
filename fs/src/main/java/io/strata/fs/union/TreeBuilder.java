package io.strata.fs.union;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies layers one after another to a mutable tree of {@link Draft}s, as extracting them in order would
 * (OCI image-spec layer.md, "Applying Changesets", "Whiteouts", "Opaque Whiteout"). Each layer is applied in
 * two passes:
 * <ol>
 *   <li>every whiteout and opaque marker of the layer removes from the tree as left by the layers below — so
 *       markers act on lower layers only and the opaque marker "applies first regardless of tar order";</li>
 *   <li>the layer's other entries are added in tar order (a later entry at a path replaces an earlier one
 *       unless both are directories, which merge).</li>
 * </ol>
 * Paths are walked by their real components only, never through a symlink. See {@link UnionView} for the
 * choices made where the spec is silent. Single use, not thread-safe; {@link Freezer} turns the result into
 * immutable nodes.
 */
final class TreeBuilder {

    /** Mode of directories no layer lists: 0755, as umoci and containerd create missing parents. */
    static final int IMPLICIT_DIR_MODE = 0755;

    private final Draft root = Draft.directory(implicitDirectory(""), 0);
    /** One String per distinct name, shared by every directory that has a child of that name. */
    private final Map<String, String> names = new HashMap<>();
    private final int layerCount;
    private int layer;
    private LayerIndex index;
    /** The directory the previous entry went into; forgotten whenever a directory leaves the tree. */
    private String cachedParentPath;
    private Draft cachedParent;

    TreeBuilder(int layerCount) {
        this.layerCount = layerCount;
    }

    Draft root() {
        return root;
    }

    /** Applies {@code index} as layer number {@code layer} (from the bottom) on top of what is there. */
    void apply(int layer, LayerIndex index) {
        this.layer = layer;
        this.index = index;
        this.cachedParent = null;
        for (Entry e : index.entries()) {
            if (Whiteouts.isReservedPath(e.path())) {
                hideLower(e);
            }
        }
        for (Entry e : index.entries()) {
            add(e);
        }
    }

    /** Pass 1: a whiteout or opaque marker removes names that the layers below put in its directory. */
    private void hideLower(Entry marker) {
        String[] parts = split(marker, marker.path(), marker.path().length());
        Draft dir = existingDirectory(parts, parts.length - 1);
        if (dir == null) {
            return; // the directory is absent, or not a directory, below: nothing there to hide
        }
        String name = parts[parts.length - 1];
        if (name.equals(Whiteouts.OPAQUE)) {
            for (Draft child : dir.children.values()) {
                detach(child);
            }
            dir.children.clear();
        } else {
            // ".wh." alone or ".wh..wh.<x>" (AUFS metadata) name nothing that can be in the tree: no effect.
            String hidden = Whiteouts.hiddenBy(name);
            Draft gone = hidden == null ? null : dir.children.remove(hidden);
            if (gone != null) {
                detach(gone);
            }
        }
    }

    /** Pass 2: one entry of the layer, in tar order. */
    private void add(Entry e) {
        String path = e.path();
        if (path.isEmpty()) {
            if (e.type() != EntryType.DIRECTORY) {
                throw bad(e, "is the root but a " + e.type() + ", not a directory; the layer is malformed");
            }
            root.entry = e; // the topmost layer that lists the root gives its metadata
            root.layer = layer;
            return;
        }
        int slash = path.lastIndexOf('/');
        Draft parent;
        if (slash < 0) {
            parent = root;
        } else if (cachedParent != null && slash == cachedParentPath.length()
                && path.regionMatches(0, cachedParentPath, 0, slash)) {
            parent = cachedParent; // tar lists a directory's entries together: skip the walk from the root
        } else {
            String[] parts = split(e, path, slash);
            for (String part : parts) {
                if (Whiteouts.isReserved(part)) {
                    return; // under a whiteout-named directory: reserved names are never shown, nor their contents
                }
            }
            parent = directoryFor(parts, parts.length);
            cachedParentPath = path.substring(0, slash);
            cachedParent = parent;
        }
        String name = component(e, path, slash + 1, path.length());
        if (Whiteouts.isReserved(name)) {
            return; // applied in pass 1; its directory exists in this layer (made just above), itself never shown
        }
        Draft existing = parent.children.get(name);
        if (e.type() == EntryType.HARDLINK) {
            Draft target = hardlinkTarget(e);
            if (target != existing) {
                replace(parent, name, existing, target);
            }
        } else if (e.type() == EntryType.DIRECTORY) {
            if (existing != null && existing.isDirectory()) {
                existing.entry = e; // directory over directory: merge, the upper entry's metadata wins
                existing.layer = layer;
            } else {
                replace(parent, name, existing, Draft.directory(e, layer)); // over a non-directory: fresh
            }
        } else {
            replace(parent, name, existing, Draft.leaf(e, layer));
        }
    }

    /**
     * The draft a hardlink joins: whatever non-directory the merged tree has at the target path when the link
     * is reached in tar order — normally an earlier entry of the same layer, else a lower layer's file
     * (layer.md allows links "to files outside of the layer" to fail; we accept them when they resolve).
     */
    private Draft hardlinkTarget(Entry link) {
        String target = link.linkTarget();
        if (target == null || target.isEmpty()) {
            throw bad(link, "is a hardlink without a target; the layer is malformed");
        }
        String[] parts = split(link, target, target.length());
        Draft dir = existingDirectory(parts, parts.length - 1);
        Draft found = dir == null ? null : dir.children.get(parts[parts.length - 1]);
        if (found == null || found.isDirectory()) {
            throw bad(link, "is a hardlink to '" + target + "', which "
                    + (found == null ? "does not exist" : "is a directory") + " in the merged tree at that point"
                    + " (a hardlink must name an earlier non-directory entry); the layer is malformed,"
                    + " rebuild the image");
        }
        return found;
    }

    /** Puts {@code replacement} under {@code name}, unlinking whatever was there (with its whole subtree). */
    private void replace(Draft parent, String name, Draft existing, Draft replacement) {
        if (existing != null) {
            detach(existing);
        }
        parent.children.put(name, replacement);
        if (!replacement.isDirectory()) {
            replacement.links++;
        }
    }

    /**
     * Accounts for a name leaving the tree: a non-directory loses one link; a directory takes its whole
     * subtree away, so every link below it is dropped too (a hardlink partner elsewhere keeps its content with
     * a smaller {@code nlink}). Iterative: hostile layers may nest deeply.
     */
    private void detach(Draft gone) {
        if (gone.isDirectory()) {
            cachedParent = null; // the cached directory may be in this subtree
        }
        ArrayDeque<Draft> todo = new ArrayDeque<>();
        todo.push(gone);
        while (!todo.isEmpty()) {
            Draft d = todo.pop();
            if (d.isDirectory()) {
                d.children.values().forEach(todo::push);
            } else {
                d.links--;
            }
        }
    }

    /** The directory at {@code parts[0..count)}, walking existing directories only; null if there is none. */
    private Draft existingDirectory(String[] parts, int count) {
        Draft dir = root;
        for (int i = 0; i < count && dir != null; i++) {
            dir = dir.children.get(parts[i]);
            if (dir != null && !dir.isDirectory()) {
                return null; // never walk through a symlink (or file): the real path has no directory here
            }
        }
        return dir;
    }

    /**
     * The directory at {@code parts[0..count)}, created where missing (implicit parents: 0755, uid/gid 0, mtime
     * 0) and replacing a non-directory in the way — what extracting each layer into its own directory and
     * stacking them with overlayfs (containerd's default) shows, and what umoci's unpack does.
     */
    private Draft directoryFor(String[] parts, int count) {
        Draft dir = root;
        for (int i = 0; i < count; i++) {
            Draft child = dir.children.get(parts[i]);
            if (child == null || !child.isDirectory()) {
                Draft made = Draft.directory(implicitDirectory(prefix(parts, i + 1)), layer);
                replace(dir, parts[i], child, made);
                child = made;
            }
            dir = child;
        }
        return dir;
    }

    private static String prefix(String[] parts, int count) {
        StringBuilder path = new StringBuilder(parts[0]);
        for (int i = 1; i < count; i++) {
            path.append('/').append(parts[i]);
        }
        return path.toString();
    }

    static Entry implicitDirectory(String path) {
        return new Entry(path, EntryType.DIRECTORY, IMPLICIT_DIR_MODE, 0, 0, 0, 0, 0, null, 0, 0,
                Collections.emptyMap(), 0, 0, null);
    }

    /**
     * Splits {@code path[0, end)} — a normalized relative path — into interned components.
     */
    private String[] split(Entry e, String path, int end) {
        int count = 1;
        for (int i = path.indexOf('/'); i >= 0 && i < end; i = path.indexOf('/', i + 1)) {
            count++;
        }
        String[] parts = new String[count];
        int start = 0;
        for (int k = 0; k < count; k++) {
            int stop = k == count - 1 ? end : path.indexOf('/', start);
            parts[k] = component(e, path, start, stop);
            start = stop + 1;
        }
        return parts;
    }

    /**
     * One interned component of {@code path}, rejecting what the layer index promised never to hand over
     * (absolute paths, empty, {@code .}/{@code ..} components, NUL): such a path could escape or alias the tree.
     */
    private String component(Entry e, String path, int start, int end) {
        String part = path.substring(start, end);
        if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
            throw bad(e, "uses the path '" + path.replace("\0", "\\0") + "', which is not a normalized"
                    + " relative path (empty, '.', '..' or NUL component); the layer index is corrupt or"
                    + " hostile, refusing to mount it");
        }
        String shared = names.putIfAbsent(part, part);
        return shared != null ? shared : part;
    }

    private IllegalArgumentException bad(Entry e, String what) {
        String digest = index.layerDigest() == null ? "unknown digest" : index.layerDigest().toString();
        String layerName = "layer " + (layer + 1) + " of " + layerCount + " (" + digest + ")";
        return new IllegalArgumentException("entry '" + e.path().replace("\0", "\\0") + "' of " + layerName + " " + what);
    }
}
