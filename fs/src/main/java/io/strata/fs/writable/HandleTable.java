package io.strata.fs.writable;

import io.strata.fs.union.Node;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open files of a writable mount, by the {@code fh} number libfuse hands back on every call. A file of
 * {@code upper/} is served by a host descriptor; a file opened read-only while it was in the lower layers only keeps
 * reading the lower content (as on overlayfs), even if it is copied up meanwhile.
 */
final class HandleTable {

    /**
     * One open file.
     *
     * @param fd    the host descriptor of the upper file, or -1
     * @param lower the lower node read when {@code fd} is -1
     * @param path  the path it was opened by, for messages
     */
    record Handle(int fd, Node lower, String path) {

        boolean isUpper() {
            return fd >= 0;
        }
    }

    private final Map<Long, Handle> open = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    long add(Handle h) {
        long id = next.getAndIncrement();
        open.put(id, h);
        return id;
    }

    /** The handle {@code id}, or null (0 and unknown numbers: calls that come without an open file). */
    Handle get(long id) {
        return open.get(id);
    }

    Handle remove(long id) {
        return open.remove(id);
    }

    int size() {
        return open.size();
    }

    /** Closes every descriptor still open (the mount is going away). */
    void closeAll() {
        for (Long id : open.keySet()) {
            Handle h = open.remove(id);
            if (h != null) {
                HostFs.closeQuietly(h.fd());
            }
        }
    }
}
