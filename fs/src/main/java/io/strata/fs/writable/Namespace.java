package io.strata.fs.writable;

import io.strata.fs.union.Whiteouts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import jnr.constants.platform.Errno;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * Changes to the names of the merged tree: create, mkdir, mknod, symlink, link, unlink, rmdir, rename. Each holds
 * the write lock for its namespace steps (one tree lock: these are quick; file content is copied outside it by
 * {@link CopyUp}) and keeps {@code upper/} a valid OCI change set at every step, so a mount killed at any point
 * leaves a consistent upper directory:
 * <ul>
 *   <li>a new entry is prepared in {@code work/} (owner, mode) and renamed into place; a whiteout it replaces is
 *       removed after the rename (both present means the entry, which is what the OCI rules show too);</li>
 *   <li>removing a name that a lower layer has writes {@code .wh.NAME} first, then removes the upper entry;</li>
 *   <li>a directory made where a lower directory was removed is opaque ({@code .wh..wh..opq} inside it);</li>
 *   <li>a directory that has lower content cannot be renamed: EXDEV, as kernel overlayfs without
 *       {@code redirect_dir} ({@code mv} then copies and deletes). Files are copied up and renamed.</li>
 * </ul>
 */
final class Namespace {

    private final UpperDirectory dir;
    private final UpperTree tree;
    private final MergedView view;
    private final CopyUp copyUp;
    private final HiddenFiles hidden;
    private final ReadWriteLock lock;

    Namespace(UpperDirectory dir, UpperTree tree, MergedView view, CopyUp copyUp, HiddenFiles hidden,
              ReadWriteLock lock) {
        this.dir = dir;
        this.tree = tree;
        this.view = view;
        this.copyUp = copyUp;
        this.hidden = hidden;
        this.lock = lock;
    }

    /** Creates the regular file {@code path} and returns a descriptor opened with {@code flags} (its access mode). */
    int create(String path, int mode, int flags, Caller caller) throws IOException {
        lock.writeLock().lock();
        try {
            Owner owner = prepareNew(path, caller);
            String tmp = dir.newTemp("new");
            int access = flags & Libc.O_ACCMODE;
            int fd = HostFs.open(tmp, Libc.O_CREAT | Libc.O_EXCL | (access == Libc.O_RDONLY ? Libc.O_RDWR : access)
                    | (flags & (Libc.O_APPEND | Libc.O_SYNC | Libc.O_DSYNC)), 0600);
            try {
                HostFs.fchown(fd, owner.uid, owner.gid, tmp);
                HostFs.fchmod(fd, mode & 07777, tmp);
                placeNew(tmp, path, false);
                return fd;
            } catch (IOException | RuntimeException e) {
                HostFs.closeQuietly(fd);
                CopyUp.unlinkQuietly(tmp);
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void mkdir(String path, int mode, Caller caller) throws IOException {
        lock.writeLock().lock();
        try {
            Owner owner = prepareNew(path, caller);
            String tmp = dir.newTemp("new");
            HostFs.mkdir(tmp, 0700);
            try {
                HostFs.lchown(tmp, owner.uid, owner.gid);
                HostFs.chmod(tmp, (mode & 07777) | (owner.setgid ? FileStat.S_ISGID : 0));
                // Made where a lower directory was removed: its lower children must stay hidden.
                boolean opaque = tree.dir(Resolved.parentOf(path)).whiteouts.contains(name(path));
                if (opaque) {
                    HostFs.close(HostFs.open(tmp + "/" + Whiteouts.OPAQUE, Libc.O_WRONLY | Libc.O_CREAT, 0600), tmp);
                }
                placeNew(tmp, path, true);
                tree.put(path, DirState.fresh(opaque));
            } catch (IOException | RuntimeException e) {
                removeTreeQuietly(tmp);
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A fifo, socket, device or empty regular file; {@code mode} carries the type bits. */
    void mknod(String path, int mode, long rdev, Caller caller) throws IOException {
        lock.writeLock().lock();
        try {
            Owner owner = prepareNew(path, caller);
            String tmp = dir.newTemp("new");
            HostFs.mknod(tmp, (mode & FileStat.S_IFMT) | 0600, rdev);
            try {
                HostFs.lchown(tmp, owner.uid, owner.gid);
                HostFs.chmod(tmp, mode & 07777);
                placeNew(tmp, path, false);
            } catch (IOException | RuntimeException e) {
                CopyUp.unlinkQuietly(tmp);
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void symlink(String target, String path, Caller caller) throws IOException {
        lock.writeLock().lock();
        try {
            Owner owner = prepareNew(path, caller);
            String tmp = dir.newTemp("new");
            HostFs.symlink(target, tmp);
            try {
                HostFs.lchown(tmp, owner.uid, owner.gid);
                placeNew(tmp, path, false);
            } catch (IOException | RuntimeException e) {
                CopyUp.unlinkQuietly(tmp);
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A new name for {@code existing}: a lower file is copied up first (so a lower hardlink group is split). */
    void link(String existing, String path) throws IOException {
        while (true) {
            copyUp.ensureUpper(existing, true);
            lock.writeLock().lock();
            try {
                Resolved r = view.resolve(existing);
                if (r == null) {
                    throw Errors.noEntry(existing);
                }
                if (r.isDirectory()) {
                    throw Errors.of(Errno.EPERM, "/" + existing + " is a directory; directories cannot be hardlinked");
                }
                if (!r.inUpper()) {
                    continue; // replaced by a lower file again between the copy-up and the lock: copy that one
                }
                prepareNew(path, Caller.ROOT);
                HostFs.link(tree.host(existing), tree.host(path));
                recordNew(path, false);
                return;
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    void unlink(String path) throws IOException {
        lock.writeLock().lock();
        try {
            if (hidden.remove(path)) {
                return; // libfuse's last close of a file unlinked while open: it is gone already
            }
            unlinkLocked(path);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void unlinkLocked(String path) throws IOException {
        Resolved r = view.resolve(path);
        if (r == null) {
            throw Errors.noEntry(path);
        }
        if (r.isDirectory()) {
            throw Errors.isDirectory(path);
        }
        if (r.lower() != null) {
            writeWhiteout(r.parent(), r.name());
        }
        if (r.inUpper()) {
            HostFs.unlink(tree.host(path));
            tree.dir(r.parent()).entries.remove(r.name());
        }
    }

    /** libfuse hides the open file {@code path} as {@code hiddenPath} ({@link HiddenFiles}): unlink it for real. */
    private void hide(String path, String hiddenPath) throws IOException {
        Resolved r = view.resolve(path);
        if (r == null) {
            throw Errors.noEntry(path);
        }
        if (r.isDirectory()) {
            throw Errors.isDirectory(path);
        }
        int fd = r.inUpper() ? HostFs.open(tree.host(path), Libc.O_PATH | Libc.O_NOFOLLOW, 0) : -1;
        try {
            unlinkLocked(path);
        } catch (IOException | RuntimeException e) {
            HostFs.closeQuietly(fd);
            throw e;
        }
        hidden.put(hiddenPath, new HiddenFiles.Hidden(fd, r.inUpper() ? null : r.lower()));
    }

    void rmdir(String path) throws IOException {
        lock.writeLock().lock();
        try {
            Resolved r = view.resolve(path);
            if (r == null) {
                throw Errors.noEntry(path);
            }
            if (!r.isDirectory()) {
                throw Errors.notDirectory(path);
            }
            if (path.isEmpty()) {
                throw Errors.of(Errno.EBUSY, "the root of the mount cannot be removed");
            }
            if (!view.isEmpty(r)) {
                throw Errors.notEmpty(path);
            }
            if (r.lower() != null) {
                writeWhiteout(r.parent(), r.name());
            }
            if (r.inUpper()) {
                removeUpperDir(r);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void rename(String from, String to) throws IOException {
        while (true) {
            lock.writeLock().lock();
            try {
                if (renameLocked(from, to)) {
                    return;
                }
            } finally {
                lock.writeLock().unlock();
            }
            copyUp.ensureUpper(from, true); // a lower file: copy it up outside the lock, then try again
        }
    }

    /** Renames under the write lock; false when {@code from} is a lower file that must be copied up first. */
    private boolean renameLocked(String from, String to) throws IOException {
        if (HiddenFiles.isHiddenName(to) && !HiddenFiles.isHiddenName(from)) {
            hide(from, to);
            return true;
        }
        Resolved src = view.resolve(from);
        if (src == null) {
            throw Errors.noEntry(from);
        }
        if (from.equals(to)) {
            return true;
        }
        if (UpperTree.isBelow(to, from)) {
            throw Errors.of(Errno.EINVAL, "cannot move /" + from + " into itself (/" + to + ")");
        }
        checkName(to);
        String toParent = Resolved.parentOf(to);
        Resolved parent = view.resolve(toParent);
        if (parent == null) {
            throw Errors.noEntry(toParent);
        }
        if (!parent.isDirectory()) {
            throw Errors.notDirectory(toParent);
        }
        Resolved dst = view.resolve(to);
        boolean isDir = src.isDirectory();
        if (isDir) {
            if (dst != null && !dst.isDirectory()) {
                throw Errors.notDirectory(to);
            }
            if (dst != null && !view.isEmpty(dst)) {
                throw Errors.notEmpty(to);
            }
            if (src.lowerDir() != null) {
                throw Errors.of(Errno.EXDEV, "/" + from + " has content in the image's layers: a directory from"
                        + " the image cannot be renamed (as on overlayfs without redirect_dir); copy and delete it");
            }
        } else {
            if (dst != null && dst.isDirectory()) {
                throw Errors.isDirectory(to);
            }
            if (sameFile(src, dst)) {
                return true; // rename(2): two names of one file, nothing to do
            }
            if (!src.inUpper()) {
                return false;
            }
        }
        copyUp.ensureDir(toParent);
        DirState toState = tree.dir(toParent);
        String toName = name(to);
        boolean whiteoutAtTarget = toState.whiteouts.contains(toName);
        if (src.lower() != null) {
            writeWhiteout(src.parent(), src.name()); // first: until the rename, the upper entry still wins
        }
        if (isDir) {
            // Lower entries at the target (all hidden, or the target would not be empty) must stay hidden there.
            boolean opaque = whiteoutAtTarget || (dst != null && dst.lower() != null);
            DirState moved = tree.dir(from);
            if (opaque && !moved.opaque) {
                HostFs.close(HostFs.open(tree.host(from) + "/" + Whiteouts.OPAQUE, Libc.O_WRONLY | Libc.O_CREAT, 0600),
                        from);
                moved.opaque = true;
            }
            if (dst != null && dst.inUpper()) {
                removeUpperDir(dst); // it holds whiteouts at most
            }
        }
        HostFs.rename(tree.host(from), tree.host(to));
        tree.dir(src.parent()).entries.remove(src.name());
        if (isDir) {
            tree.move(from, to);
        }
        recordNew(to, isDir);
        return true;
    }

    private boolean sameFile(Resolved a, Resolved b) throws IOException {
        if (b == null || a.inUpper() != b.inUpper()) {
            return false;
        }
        if (!a.inUpper()) {
            return a.lower() == b.lower();
        }
        FileStat sa = HostFs.lstatOrNull(tree.host(a.path()));
        long ino = sa == null ? -1 : sa.st_ino.longValue();
        FileStat sb = HostFs.lstatOrNull(tree.host(b.path()));
        return sb != null && ino == sb.st_ino.longValue();
    }

    /**
     * Checks that {@code path} may be created (its name is not reserved, its parent is a directory, it does not
     * exist) and makes its parent an upper directory; returns who will own it.
     */
    private Owner prepareNew(String path, Caller caller) throws IOException {
        checkName(path);
        String parent = Resolved.parentOf(path);
        Resolved p = view.resolve(parent);
        if (p == null) {
            throw Errors.noEntry(parent);
        }
        if (!p.isDirectory()) {
            throw Errors.notDirectory(parent);
        }
        if (view.resolve(path) != null) {
            throw Errors.exists(path);
        }
        copyUp.ensureDir(parent);
        FileStat st = HostFs.lstatOrNull(tree.host(parent));
        if (st == null) {
            throw Errors.noEntry(parent);
        }
        // A setgid directory passes its group (and, to directories, the setgid bit) on, as on any Linux filesystem.
        boolean setgid = (st.st_mode.intValue() & FileStat.S_ISGID) != 0;
        return new Owner(caller.uid(), setgid ? st.st_gid.longValue() : caller.gid(), setgid);
    }

    private record Owner(long uid, long gid, boolean setgid) {
    }

    /** Refuses names reserved for whiteouts: a user file named {@code .wh.x} would delete {@code x} in the layer. */
    private static void checkName(String path) throws ErrnoException {
        String name = name(path);
        if (path.isEmpty()) {
            throw Errors.exists(path);
        }
        if (Whiteouts.isReserved(name)) {
            throw Errors.of(Errno.EINVAL, "'" + name + "': names starting with " + Whiteouts.PREFIX
                    + " are reserved for whiteouts in the layer this mount's changes become");
        }
    }

    /** Renames the prepared {@code tmp} to {@code path} and records it. */
    private void placeNew(String tmp, String path, boolean isDir) throws IOException {
        HostFs.renameNoReplace(tmp, tree.host(path));
        recordNew(path, isDir);
    }

    /** {@code path} now exists in {@code upper/}: record it, and drop the whiteout it replaces. */
    private void recordNew(String path, boolean isDir) throws IOException {
        String parent = Resolved.parentOf(path);
        DirState state = tree.dir(parent);
        String name = name(path);
        state.entries.put(name, isDir);
        if (state.whiteouts.remove(name)) {
            CopyUp.unlinkQuietly(tree.host(parent) + "/" + Whiteouts.whiteoutFor(name));
        }
    }

    /** Writes {@code .wh.NAME} in {@code parent} (copied up if needed) unless it is there already. */
    private void writeWhiteout(String parent, String name) throws IOException {
        copyUp.ensureDir(parent);
        DirState state = tree.dir(parent);
        if (state.whiteouts.contains(name)) {
            return;
        }
        String host = tree.host(parent) + "/" + Whiteouts.whiteoutFor(name);
        HostFs.close(HostFs.open(host, Libc.O_WRONLY | Libc.O_CREAT, 0600), host);
        state.whiteouts.add(name);
    }

    /** Moves the upper directory of {@code r} (holding whiteouts at most) out to {@code work/} and deletes it. */
    private void removeUpperDir(Resolved r) throws IOException {
        String trash = dir.newTemp("removed");
        HostFs.renameNoReplace(tree.host(r.path()), trash);
        tree.dir(r.parent()).entries.remove(r.name());
        tree.forget(r.path());
        UpperDirectory.emptyDirectory(Path.of(trash));
        HostFs.rmdir(trash);
    }

    private static void removeTreeQuietly(String host) {
        try {
            UpperDirectory.emptyDirectory(Path.of(host));
            HostFs.rmdir(host);
        } catch (IOException e) {
            // left in work/, which the next mount empties
        }
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
