package io.strata.fs.writable;

import io.strata.fs.union.Node;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The merged tree of the upper directory over the image's layers, by the OCI rules (a whiteout or opaque directory
 * of {@code upper/} hides lower names, an upper non-directory replaces whatever the lower layers have at its path,
 * an upper directory over a lower one merges their children). Pure: callers hold the overlay's lock.
 */
final class MergedView {

    private final Node lowerRoot;
    private final UpperTree upper;

    MergedView(Node lowerRoot, UpperTree upper) {
        this.lowerRoot = lowerRoot;
        this.upper = upper;
    }

    /**
     * What the merged tree has at {@code path} (relative, {@code ""} for the root), walking one component at a time
     * through directories only; null when absent or when a component on the way is not a directory.
     */
    Resolved resolve(String path) throws IOException {
        Node lower = lowerRoot;
        boolean inUpper = true; // upper/ itself always exists
        boolean upperIsDir = true;
        DirState state = null; // of the upper directory reached so far, loaded when a component needs it
        String dirPath = "";
        int start = 0;
        int length = path.length();
        while (start < length) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            if (end > start) {
                if (!(inUpper ? upperIsDir : lower.isDirectory())) {
                    return null;
                }
                String name = path.substring(start, end);
                if (inUpper && state == null) {
                    state = upper.dir(dirPath);
                }
                Node lowerChild = lowerChild(lower, inUpper, state, name);
                Boolean upperChildIsDir = inUpper ? state.entries.get(name) : null;
                if (upperChildIsDir == null && lowerChild == null) {
                    return null;
                }
                lower = lowerChild;
                inUpper = upperChildIsDir != null;
                upperIsDir = inUpper && upperChildIsDir;
                state = null;
                dirPath = path.substring(0, end);
            }
            start = end + 1;
        }
        boolean opaque = inUpper && upperIsDir && lower != null && lower.isDirectory()
                && (state != null ? state : upper.dir(path)).opaque;
        return new Resolved(path, lower, inUpper, upperIsDir, opaque);
    }

    /** The lower child {@code name} that shows through the directory described by the other arguments. */
    private static Node lowerChild(Node lowerDir, boolean dirInUpper, DirState dirState, String name) {
        if (lowerDir == null || !lowerDir.isDirectory()) {
            return null;
        }
        if (dirInUpper && (dirState.opaque || dirState.whiteouts.contains(name))) {
            return null;
        }
        return lowerDir.children().get(name);
    }

    /** The children of the directory {@code dir}, sorted by name, whiteouts never among them. */
    List<Resolved> list(Resolved dir) throws IOException {
        Map<String, Resolved> children = new TreeMap<>();
        DirState state = dir.inUpper() ? upper.dir(dir.path()) : null;
        Node lowerDir = dir.lowerDir();
        if (state != null) {
            for (Map.Entry<String, Boolean> e : state.entries.entrySet()) {
                String path = Resolved.child(dir.path(), e.getKey());
                Node lower = lowerChild(lowerDir, true, state, e.getKey());
                boolean isDir = e.getValue();
                boolean opaque = isDir && lower != null && lower.isDirectory() && upper.dir(path).opaque;
                children.put(e.getKey(), new Resolved(path, lower, true, isDir, opaque));
            }
        }
        if (lowerDir != null) {
            for (Map.Entry<String, Node> e : lowerDir.children().entrySet()) {
                String name = e.getKey();
                if (state != null && (state.whiteouts.contains(name) || state.entries.containsKey(name))) {
                    continue;
                }
                children.put(name, new Resolved(Resolved.child(dir.path(), name), e.getValue(), false, false, false));
            }
        }
        return new ArrayList<>(children.values());
    }

    /** Whether the directory {@code dir} shows no child at all (what rmdir and rename onto it require). */
    boolean isEmpty(Resolved dir) throws IOException {
        DirState state = dir.inUpper() ? upper.dir(dir.path()) : null;
        if (state != null && !state.entries.isEmpty()) {
            return false;
        }
        Node lowerDir = dir.lowerDir();
        if (lowerDir == null) {
            return true;
        }
        for (String name : lowerDir.children().keySet()) {
            if (state == null || !state.whiteouts.contains(name)) {
                return false;
            }
        }
        return true;
    }
}
