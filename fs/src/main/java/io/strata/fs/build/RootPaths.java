package io.strata.fs.build;

import io.strata.fetcher.layer.EntryType;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths of an image resolved the way a process chrooted into it would see them: symlinks followed inside the image
 * (an absolute target starts again from the image's root, {@code ..} stops at the root), never out to the host. What
 * COPY needs to write {@code /bin/tool} into {@code /usr/bin} when the image's {@code /bin} is a symlink to
 * {@code usr/bin}, instead of a directory {@code bin} that would hide the symlink.
 */
final class RootPaths {

    /** Linux's limit of symlinks followed in one resolution. */
    private static final int MAX_SYMLINKS = 40;

    /**
     * Where a path leads.
     *
     * @param path the canonical path, relative to the root ({@code ""} for the root), no symlink in it except
     *             possibly the last component (when not followed)
     * @param node what the image has there, or null when the path does not exist (yet)
     */
    record Resolved(String path, Node node) {
        boolean isDirectory() {
            return node != null && node.isDirectory();
        }
    }

    private RootPaths() {
    }

    /**
     * Resolves {@code path} (absolute or relative to the root: the same here) in {@code view}.
     *
     * @param followLast whether a symlink as the last component is followed too
     * @throws IllegalArgumentException when a component below which the path goes is not a directory, or symlinks
     *                                  loop
     */
    static Resolved resolve(UnionView view, String path, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> canonical = new ArrayList<>();
        Node current = view.root();
        int symlinks = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals("..")) {
                if (!canonical.isEmpty()) {
                    canonical.remove(canonical.size() - 1);
                }
                current = view.lookup(String.join("/", canonical));
                continue;
            }
            if (current == null) {
                canonical.add(name); // below something that does not exist yet: nothing to follow
                continue;
            }
            if (!current.isDirectory()) {
                throw new IllegalArgumentException("/" + String.join("/", canonical) + " is not a directory in the"
                        + " image (" + current.entry().type() + "), so " + path + " cannot be below it");
            }
            Node child = current.children().get(name);
            if (child != null && child.entry().type() == EntryType.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++symlinks > MAX_SYMLINKS) {
                    throw new IllegalArgumentException(path + ": more than " + MAX_SYMLINKS + " symlinks followed"
                            + " (a symlink loop in the image)");
                }
                String target = child.entry().linkTarget();
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                if (target.startsWith("/")) {
                    canonical.clear();
                    current = view.root();
                }
                continue;
            }
            canonical.add(name);
            current = child;
        }
        return new Resolved(String.join("/", canonical), current);
    }

    /** The components of a path, without empty ones and {@code .}. */
    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return out;
    }
}
