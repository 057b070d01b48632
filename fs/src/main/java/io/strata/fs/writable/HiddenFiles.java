package io.strata.fs.writable;

import io.strata.fs.union.Node;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files unlinked while open. libfuse 2 (without {@code hard_remove}) does not unlink an open file: it renames it
 * to {@code .fuse_hiddenXXXXXXXXYYYYYYYY} in its directory, keeps serving the open file under that name (fstat
 * included, which the kernel sends by name) and unlinks that name on the last close. Here such a rename unlinks
 * the file for real (a whiteout for an image file, the host unlink for an upper one, so that nothing of it can stay
 * in {@code upper/}) and the hidden name lives on in memory only, backed by an {@code O_PATH} descriptor of the
 * upper file or by the lower node, until libfuse unlinks it.
 */
final class HiddenFiles {

    /** The prefix of libfuse's names for hidden files. */
    static final String PREFIX = ".fuse_hidden";

    /**
     * One hidden file.
     *
     * @param fd    an {@code O_PATH} descriptor of the unlinked upper file, or -1
     * @param lower the lower node when {@code fd} is -1
     */
    record Hidden(int fd, Node lower) {

        /** A path that reaches the file through its descriptor ({@code /proc/self/fd/N}, which open follows). */
        String procPath() {
            return "/proc/self/fd/" + fd;
        }
    }

    private final Map<String, Hidden> byPath = new ConcurrentHashMap<>();

    /** Whether libfuse names a hidden file at {@code path} (relative). */
    static boolean isHiddenName(String path) {
        return path.startsWith(PREFIX, path.lastIndexOf('/') + 1);
    }

    void put(String path, Hidden hidden) {
        Hidden old = byPath.put(path, hidden);
        if (old != null) {
            HostFs.closeQuietly(old.fd());
        }
    }

    /** The hidden file at {@code path}, or null. */
    Hidden get(String path) {
        return byPath.isEmpty() ? null : byPath.get(path);
    }

    /** Forgets {@code path}; false when it was not hidden. */
    boolean remove(String path) {
        Hidden h = byPath.remove(path);
        if (h == null) {
            return false;
        }
        HostFs.closeQuietly(h.fd());
        return true;
    }

    void closeAll() {
        for (String path : byPath.keySet()) {
            remove(path);
        }
    }
}
