package io.strata.fs.writable;

import io.strata.fs.union.Node;

/**
 * What the merged tree has at one path, at the moment it was resolved (valid while the overlay's lock is held).
 *
 * @param path       relative path ({@code ""} for the root), never with a leading slash
 * @param lower      the lower node that shows at this path, or would show if the upper entry went away: not
 *                   hidden by a whiteout or an opaque directory above; null when there is none. Removing the path
 *                   needs a whiteout exactly when this is not null.
 * @param inUpper    whether {@code upper/} has an entry at this path (which then wins over {@code lower})
 * @param upperIsDir whether that upper entry is a directory
 * @param opaque     whether that upper directory is opaque (holds {@code .wh..wh..opq}); only looked up, and so
 *                   only meaningful, when {@code lower} is a directory that it would hide
 */
record Resolved(String path, Node lower, boolean inUpper, boolean upperIsDir, boolean opaque) {

    boolean isDirectory() {
        return inUpper ? upperIsDir : lower.isDirectory();
    }

    /** The lower directory whose children show in this directory; null when none do. */
    Node lowerDir() {
        if (lower == null || !lower.isDirectory()) {
            return null;
        }
        return !inUpper || (upperIsDir && !opaque) ? lower : null;
    }

    /** An upper directory with a lower one showing through: its identity (inode) is the lower directory's. */
    boolean merged() {
        return inUpper && lowerDir() != null;
    }

    /** The last component ({@code ""} for the root). */
    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The parent's relative path; null for the root. */
    String parent() {
        return parentOf(path);
    }

    static String parentOf(String path) {
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
