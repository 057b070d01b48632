package io.strata.fs.writable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directories of {@code upper/} that the mount has looked at, by relative path ({@code ""} is {@code upper/}
 * itself), each listed from disk on first use. Loading may happen under the read lock (hence a concurrent map);
 * every change happens under the write lock.
 */
final class UpperTree {

    private final String root;
    private final ConcurrentHashMap<String, DirState> dirs = new ConcurrentHashMap<>();

    UpperTree(String hostRoot) {
        this.root = hostRoot;
    }

    /** The host path of {@code path} (relative, {@code ""} for the root). */
    String host(String path) {
        return path.isEmpty() ? root : root + "/" + path;
    }

    /** The state of the upper directory {@code path}, which the caller knows exists. */
    DirState dir(String path) throws IOException {
        DirState s = dirs.get(path);
        if (s != null) {
            return s;
        }
        try {
            return dirs.computeIfAbsent(path, p -> {
                try {
                    return DirState.load(host(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Records a directory just made at {@code path}. */
    void put(String path, DirState state) {
        dirs.put(path, state);
    }

    /** Forgets {@code path} and every directory below it (they left {@code upper/}). */
    void forget(String path) {
        dirs.keySet().removeIf(k -> k.equals(path) || isBelow(k, path));
    }

    /** {@code from} and everything below it moved to {@code to}. */
    void move(String from, String to) {
        List<Map.Entry<String, DirState>> moved = new ArrayList<>();
        for (Map.Entry<String, DirState> e : dirs.entrySet()) {
            if (e.getKey().equals(from) || isBelow(e.getKey(), from)) {
                moved.add(e);
            }
        }
        for (Map.Entry<String, DirState> e : moved) {
            dirs.remove(e.getKey());
        }
        for (Map.Entry<String, DirState> e : moved) {
            dirs.put(to + e.getKey().substring(from.length()), e.getValue());
        }
    }

    /** Whether {@code path} lies strictly below {@code dir}. */
    static boolean isBelow(String path, String dir) {
        return dir.isEmpty() ? !path.isEmpty() : path.length() > dir.length() && path.startsWith(dir)
                && path.charAt(dir.length()) == '/';
    }
}
