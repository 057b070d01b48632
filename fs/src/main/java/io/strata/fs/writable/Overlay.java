package io.strata.fs.writable;

import io.strata.fs.fuse.ContentReader;
import io.strata.fs.fuse.FileStats;
import io.strata.fs.fuse.MergedTree;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.constants.platform.Errno;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * The writable merged tree: {@code upper/} over the image's layers. Reads resolve under the read lock; changes of
 * names go to {@link Namespace}, copy-ups to {@link CopyUp}, both under the write lock; file content moves outside
 * any lock. Every failure is an {@link ErrnoException} (or an IOException for EIO), mapped by {@link WritableFs}.
 *
 * <p>Inode numbers are stable and never collide: a lower node keeps its union inode (1 for the root, up to the
 * node count), and so does an upper directory that merges with a lower one (its identity is the image's
 * directory, and {@code rm -rf}/{@code find} compare directory inodes while they walk); every other upper entry
 * is {@code 2^62 + its host inode}, so hardlinks in {@code upper/} share one number and a remount shows the same
 * numbers. A copied-up file therefore changes its number (kernel overlayfs keeps it through an xattr in upper;
 * {@code upper/} here holds nothing but the change set).
 */
final class Overlay {

    /** Upper entries are numbered from here on; union inodes are far below it, host inodes far below 2^62. */
    static final long UPPER_INODES = 1L << 62;

    private static final int OPEN_FLAGS = Libc.O_ACCMODE | Libc.O_APPEND | Libc.O_TRUNC | Libc.O_SYNC | Libc.O_DSYNC
            | Libc.O_NONBLOCK;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final UpperDirectory dir;
    private final UpperTree tree;
    private final MergedView view;
    private final ContentReader content;
    private final CopyUp copyUp;
    private final HiddenFiles hidden = new HiddenFiles();
    private final Namespace namespace;

    private Overlay(MergedTree lower, ContentReader content, UpperDirectory dir) {
        this.dir = dir;
        this.tree = new UpperTree(dir.upperRoot());
        this.view = new MergedView(lower.root(), tree);
        this.content = content;
        this.copyUp = new CopyUp(dir, tree, view, content, lock);
        this.namespace = new Namespace(dir, tree, view, copyUp, hidden, lock);
    }

    /** The merged tree of {@code dir}'s {@code upper/} over {@code lower}; makes {@code upper/} on first use. */
    static Overlay open(MergedTree lower, ContentReader content, UpperDirectory dir) throws IOException {
        if (HostFs.lstatOrNull(dir.upperRoot()) == null) {
            // The root's metadata is the image's, as for any copied-up directory.
            String tmp = dir.newTemp("root");
            HostFs.mkdir(tmp, 0700);
            CopyUp.applyMetadata(tmp, lower.root().entry(), false);
            HostFs.renameNoReplace(tmp, dir.upperRoot());
        }
        return new Overlay(lower, content, dir);
    }

    Namespace namespace() {
        return namespace;
    }

    UpperDirectory directory() {
        return dir;
    }

    /** What the merged tree has at {@code path}. */
    Resolved resolve(String path) throws IOException {
        return underReadLock(path, r -> r);
    }

    /** Fills {@code st} for {@code path}. */
    void stat(String path, FileStat st) throws IOException {
        HiddenFiles.Hidden h = hidden.get(path);
        if (h != null) {
            if (h.fd() >= 0) {
                fstat(h.fd(), st);
            } else {
                FileStats.fill(st, h.lower());
            }
            return;
        }
        lock.readLock().lock();
        try {
            Resolved r = view.resolve(path);
            if (r == null) {
                throw Errors.noEntry(path);
            }
            fill(r, st);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Fills {@code st} from the open upper file {@code fd} (which may have no name any more). */
    static void fstat(int fd, FileStat st) throws IOException {
        HostFs.fstatInto(fd, Struct.getMemory(st));
        st.st_ino.set(UPPER_INODES + st.st_ino.longValue());
    }

    private void fill(Resolved r, FileStat st) throws IOException {
        if (!r.inUpper()) {
            FileStats.fill(st, r.lower());
            return;
        }
        HostFs.lstatInto(tree.host(r.path()), Struct.getMemory(st));
        if (r.merged()) {
            st.st_ino.set(r.lower().inode());
            st.st_nlink.set(1); // as overlayfs: the count of a merged directory is unknown (find then does not guess)
        } else {
            st.st_ino.set(UPPER_INODES + st.st_ino.longValue());
        }
    }

    /** Receives one directory entry of {@link #list}. */
    @FunctionalInterface
    interface EntrySink {
        /** Returns false when no more entries fit. */
        boolean accept(String name, FileStat st);
    }

    /** Passes each child of the directory {@code path} (sorted by name) with its attributes to {@code sink}. */
    void list(String path, FileStat scratch, EntrySink sink) throws IOException {
        lock.readLock().lock();
        try {
            Resolved d = view.resolve(path);
            if (d == null) {
                throw Errors.noEntry(path);
            }
            if (!d.isDirectory()) {
                throw Errors.notDirectory(path);
            }
            fill(d, scratch);
            if (!sink.accept(".", scratch) || !sink.accept("..", null)) {
                return;
            }
            List<Resolved> children = view.list(d);
            for (Resolved c : children) {
                try {
                    fill(c, scratch);
                } catch (ErrnoException e) {
                    continue; // gone from the host under us (not through this mount): leave it out
                }
                if (!sink.accept(c.name(), scratch)) {
                    throw Errors.of(Errno.ENOMEM, "directory /" + path + " has too many entries for one listing");
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    String readlink(String path) throws IOException {
        return underReadLock(path, r -> {
            if (r.inUpper()) {
                return HostFs.readlink(tree.host(path));
            }
            String target = r.lower().entry().linkTarget();
            if (target == null || r.lower().entry().type() != io.strata.fetcher.layer.EntryType.SYMLINK) {
                throw Errors.of(Errno.EINVAL, "/" + path + " is not a symlink");
            }
            return target;
        });
    }

    /** Opens {@code path}: a write access or O_TRUNC copies a lower file up first (without content for O_TRUNC). */
    HandleTable.Handle open(String path, int flags) throws IOException {
        int hostFlags = (flags & OPEN_FLAGS) | Libc.O_NOFOLLOW;
        boolean writes = (flags & Libc.O_ACCMODE) != Libc.O_RDONLY || (flags & Libc.O_TRUNC) != 0;
        HiddenFiles.Hidden h = hidden.get(path);
        if (h != null) { // reopened through /proc/PID/fd after it was unlinked
            if (h.fd() >= 0) {
                return new HandleTable.Handle(HostFs.open(h.procPath(), hostFlags & ~Libc.O_NOFOLLOW, 0), null, path);
            }
            if (writes) {
                throw Errors.of(Errno.ENOENT, "/" + path + " is an image file deleted while open: it has no name"
                        + " left to be copied up to for writing");
            }
            return new HandleTable.Handle(-1, h.lower(), path);
        }
        if (writes) {
            return withUpper(path, (flags & Libc.O_TRUNC) == 0,
                    (host, r) -> new HandleTable.Handle(HostFs.open(host, hostFlags, 0), null, path));
        }
        lock.readLock().lock();
        try {
            Resolved r = view.resolve(path);
            if (r == null) {
                throw Errors.noEntry(path);
            }
            if (r.inUpper()) {
                return new HandleTable.Handle(HostFs.open(tree.host(path), hostFlags, 0), null, path);
            }
            return new HandleTable.Handle(-1, r.lower(), path);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Releases what the mount holds for files unlinked while open (the mount is going away). */
    void closeHidden() {
        hidden.closeAll();
    }

    /** Reads a lower file's content. */
    ContentReader content() {
        return content;
    }

    void chmod(String path, int mode) throws IOException {
        withUpper(path, true, (host, r) -> {
            HostFs.chmod(host, mode & 07777);
            return null;
        });
    }

    void chown(String path, long uid, long gid) throws IOException {
        withUpper(path, true, (host, r) -> {
            HostFs.lchown(host, uid, gid);
            return null;
        });
    }

    void truncate(String path, long size) throws IOException {
        withUpper(path, size > 0, (host, r) -> {
            HostFs.truncate(host, size);
            return null;
        });
    }

    /** Times as {@code utimensat(2)} takes them ({@code UTIME_NOW}, {@code UTIME_OMIT} allowed). */
    void utimens(String path, long aSec, long aNsec, long mSec, long mNsec) throws IOException {
        withUpper(path, true, (host, r) -> {
            HostFs.utimens(host, aSec, aNsec, mSec, mNsec);
            return null;
        });
    }

    void setxattr(String path, String name, Pointer value, long size, int flags) throws IOException {
        withUpper(path, true, (host, r) -> {
            HostFs.setxattr(host, name, value, size, flags);
            return null;
        });
    }

    void removexattr(String path, String name) throws IOException {
        // Removing what is not there must fail with ENODATA without copying anything up.
        Resolved now = resolve(path);
        if (!now.inUpper() && !now.lower().entry().xattrs().containsKey(name)) {
            throw Errors.of(Errno.ENODATA, "/" + path + " has no attribute " + name);
        }
        withUpper(path, true, (host, r) -> {
            HostFs.removexattr(host, name);
            return null;
        });
    }

    /** The attribute's length, copied into {@code value} unless {@code size} is 0. */
    long getxattr(String path, String name, Pointer value, long size) throws IOException {
        return underReadLock(path, r -> {
            if (r.inUpper()) {
                return HostFs.getxattr(tree.host(path), name, value, size);
            }
            byte[] bytes = r.lower().entry().xattrs().get(name);
            if (bytes == null) {
                throw Errors.of(Errno.ENODATA, "/" + path + " has no attribute " + name);
            }
            if (size > 0) {
                if (size < bytes.length) {
                    throw Errors.of(Errno.ERANGE, "attribute " + name + " of /" + path + " is " + bytes.length + " bytes");
                }
                value.put(0, bytes, 0, bytes.length);
            }
            return (long) bytes.length;
        });
    }

    List<String> listxattr(String path) throws IOException {
        return underReadLock(path, r -> {
            if (r.inUpper()) {
                return HostFs.listxattr(tree.host(path));
            }
            return List.copyOf(r.lower().entry().xattrs().keySet());
        });
    }

    /** {@code statvfs} of the filesystem that holds {@code upper/}: that is where new data goes. */
    void statfs(Pointer st) throws IOException {
        HostFs.statvfs(dir.upperRoot(), st);
    }

    /** fsync of the upper directory {@code path}, when it is one. */
    void fsyncDirectory(String path) throws IOException {
        String host;
        lock.readLock().lock();
        try {
            Resolved r = view.resolve(path);
            if (r == null) {
                throw Errors.noEntry(path);
            }
            if (!r.inUpper()) {
                return; // nothing of it changed, nothing to make durable
            }
            host = tree.host(path);
        } finally {
            lock.readLock().unlock();
        }
        int fd = HostFs.open(host, Libc.O_RDONLY | Libc.O_DIRECTORY, 0);
        try {
            HostFs.fsync(fd, false, host);
        } finally {
            HostFs.closeQuietly(fd);
        }
    }

    /** An action on a path of {@code upper/}, run under the read lock (no rename can move it meanwhile). */
    @FunctionalInterface
    interface UpperAction<T> {
        T run(String host, Resolved r) throws IOException;
    }

    /** Copies {@code path} up if needed, then runs {@code action} on its upper file. */
    <T> T withUpper(String path, boolean withData, UpperAction<T> action) throws IOException {
        while (true) {
            copyUp.ensureUpper(path, withData);
            lock.readLock().lock();
            try {
                Resolved r = view.resolve(path);
                if (r == null) {
                    throw Errors.noEntry(path);
                }
                if (r.inUpper()) {
                    return action.run(tree.host(path), r);
                }
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /** What a read-only operation does with the entry at a path that exists. */
    @FunctionalInterface
    private interface OnResolved<T> {
        T apply(Resolved r) throws IOException;
    }

    /** Runs {@code op} on the resolved {@code path} under the read lock; a missing path is ENOENT. */
    private <T> T underReadLock(String path, OnResolved<T> op) throws IOException {
        lock.readLock().lock();
        try {
            Resolved r = view.resolve(path);
            if (r == null) {
                throw Errors.noEntry(path);
            }
            return op.apply(r);
        } finally {
            lock.readLock().unlock();
        }
    }
}
