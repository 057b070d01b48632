package io.strata.fs.writable;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fs.fuse.ContentReader;
import io.strata.fs.fuse.FileStats;
import io.strata.fs.union.Node;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * Copies a lower entry into {@code upper/} before it changes: only that entry, plus the directories above it that
 * {@code upper/} lacks (each with its lower directory's metadata), never a subtree. Everything is prepared in
 * {@code work/} and renamed into place, so {@code upper/} never shows a half-copied file, and the parent
 * directory's times are put back afterwards (a copy-up is not a change the user made to the directory).
 *
 * <p>A file's content streams through the {@link ContentReader} in 1 MiB pieces (only the data segments of a
 * sparse file) outside the lock, then is fsynced before the rename (as overlayfs does). Copy-ups of one path are
 * single-flight: a second writer waits for the first copy.
 */
final class CopyUp {

    private static final Logger LOG = LoggerFactory.getLogger(CopyUp.class);
    private static final int PIECE = 1 << 20;

    private final UpperDirectory dir;
    private final UpperTree tree;
    private final MergedView view;
    private final ContentReader content;
    private final ReadWriteLock lock;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    CopyUp(UpperDirectory dir, UpperTree tree, MergedView view, ContentReader content, ReadWriteLock lock) {
        this.dir = dir;
        this.tree = tree;
        this.view = view;
        this.content = content;
        this.lock = lock;
    }

    /**
     * Returns once {@code path} is in {@code upper/} (it may change again as soon as the caller's lock allows).
     * Takes the write lock itself: the caller must hold no lock.
     *
     * @param withData false when the caller truncates the file to zero next: its content is not copied
     * @throws ErrnoException ENOENT when the path does not exist (or stopped existing during the copy)
     */
    void ensureUpper(String path, boolean withData) throws IOException {
        while (true) {
            CompletableFuture<Void> other;
            CompletableFuture<Void> mine = null;
            Node node = null;
            lock.writeLock().lock();
            try {
                Resolved r = view.resolve(path);
                if (r == null) {
                    throw Errors.noEntry(path);
                }
                if (r.inUpper()) {
                    return;
                }
                other = inFlight.get(path);
                if (other == null) {
                    ensureDir(r.parent());
                    if (!isRegular(r.lower())) {
                        copyNonFile(r);
                        return;
                    }
                    mine = new CompletableFuture<>();
                    inFlight.put(path, mine);
                    node = r.lower();
                }
            } finally {
                lock.writeLock().unlock();
            }
            if (other != null) {
                other.handle((v, t) -> null).join(); // its outcome is read from the tree on the next round
                continue;
            }
            try {
                if (copyFile(path, node, withData)) {
                    return;
                }
            } finally {
                inFlight.remove(path, mine);
                mine.complete(null);
            }
            // The path changed while the content was copied (unlinked, replaced): look again.
        }
    }

    /** Prepares {@code node}'s copy outside the lock, then renames it to {@code path} if nothing changed there. */
    private boolean copyFile(String path, Node node, boolean withData) throws IOException {
        String tmp = dir.newTemp("copyup");
        long t0 = System.nanoTime();
        int fd = HostFs.open(tmp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL, 0600);
        boolean placed = false;
        try {
            Entry e = node.entry();
            if (withData) {
                copyData(node, fd, tmp);
            }
            applyMetadata(tmp, e, false);
            HostFs.fsync(fd, false, tmp);
            HostFs.close(fd, tmp);
            fd = -1;
            lock.writeLock().lock();
            try {
                Resolved r = view.resolve(path);
                if (r == null || r.inUpper() || r.lower() != node) {
                    return false;
                }
                place(tmp, path);
                placed = true;
                tree.dir(r.parent()).entries.put(r.name(), false);
            } finally {
                lock.writeLock().unlock();
            }
            if (withData && node.entry().size() >= PIECE) {
                LOG.info("copied up /{} ({} bytes) in {} ms", path, node.entry().size(), (System.nanoTime() - t0) / 1_000_000);
            }
            return true;
        } finally {
            HostFs.closeQuietly(fd);
            if (!placed) {
                unlinkQuietly(tmp);
            }
        }
    }

    /** Streams the content (only the data segments of a sparse file), then sets the size (trailing hole). */
    private void copyData(Node node, int fd, String tmp) throws IOException {
        Entry e = node.entry();
        long[] segments = e.isSparse() ? e.sparseMap() : new long[] {0, e.size()};
        byte[] bytes = new byte[PIECE];
        Pointer buf = Memory.allocateDirect(Libc.RUNTIME, PIECE);
        for (int i = 0; i < segments.length; i += 2) {
            long offset = segments[i];
            long end = Math.min(e.size(), segments[i] + segments[i + 1]);
            while (offset < end) {
                int want = (int) Math.min(PIECE, end - offset);
                int n = content.read(node, offset, bytes, want);
                if (n <= 0) {
                    throw new IOException("copy-up of " + e.path() + ": the layer gave " + n + " bytes at offset "
                            + offset + " of " + e.size());
                }
                buf.put(0, bytes, 0, n);
                HostFs.pwriteFully(fd, buf, n, offset);
                offset += n;
            }
        }
        HostFs.ftruncate(fd, e.size(), tmp);
    }

    /**
     * Makes sure the directory {@code dirPath} is in {@code upper/}, copying up the lower directories on the way
     * (metadata only). The caller holds the write lock.
     *
     * @throws ErrnoException ENOENT or ENOTDIR when {@code dirPath} is not a directory of the merged tree
     */
    void ensureDir(String dirPath) throws IOException {
        Resolved r = view.resolve(dirPath);
        if (r == null) {
            throw Errors.noEntry(dirPath);
        }
        if (!r.isDirectory()) {
            throw Errors.notDirectory(dirPath);
        }
        if (r.inUpper()) {
            return;
        }
        ensureDir(r.parent());
        copyNonFile(r);
    }

    /** A directory (metadata only), symlink, fifo or device: quick, so under the caller's write lock. */
    private void copyNonFile(Resolved r) throws IOException {
        Entry e = r.lower().entry();
        String tmp = dir.newTemp("copyup");
        switch (e.type()) {
            case DIRECTORY -> HostFs.mkdir(tmp, 0700);
            case SYMLINK -> HostFs.symlink(e.linkTarget() == null ? "" : e.linkTarget(), tmp);
            case FIFO -> HostFs.mknod(tmp, FileStat.S_IFIFO | 0600, 0);
            case CHAR_DEVICE, BLOCK_DEVICE -> HostFs.mknod(tmp, FileStats.typeBits(r.lower()) | 0600,
                    FileStats.makedev(e.devMajor(), e.devMinor()));
            default -> throw new IllegalStateException("not a non-file: " + e);
        }
        boolean placed = false;
        try {
            applyMetadata(tmp, e, e.type() == EntryType.SYMLINK);
            place(tmp, r.path());
            placed = true;
        } finally {
            if (!placed) {
                if (e.type() == EntryType.DIRECTORY) {
                    rmdirQuietly(tmp);
                } else {
                    unlinkQuietly(tmp);
                }
            }
        }
        boolean isDir = e.type() == EntryType.DIRECTORY;
        tree.dir(r.parent()).entries.put(r.name(), isDir);
        if (isDir) {
            tree.put(r.path(), DirState.fresh(false));
        }
    }

    /**
     * The lower entry's owner, mode, extended attributes and times on {@code host}: owner before mode (chown clears
     * setuid bits), attributes after both (chown clears {@code security.capability}), times last.
     */
    static void applyMetadata(String host, Entry e, boolean symlink) throws IOException {
        HostFs.lchown(host, e.uid(), e.gid());
        if (!symlink) {
            HostFs.chmod(host, e.mode() & 07777);
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            HostFs.setxattr(host, x.getKey(), x.getValue());
        }
        HostFs.utimens(host, e.mtimeSeconds(), e.mtimeNanos(), e.mtimeSeconds(), e.mtimeNanos());
    }

    /**
     * Renames the prepared {@code tmp} to {@code path} (which must not exist in {@code upper/}) and puts the parent's
     * times back. The caller holds the write lock and updates the tree.
     */
    void place(String tmp, String path) throws IOException {
        String parentHost = tree.host(Resolved.parentOf(path));
        FileStat st = HostFs.lstatOrNull(parentHost);
        if (st == null) {
            throw Errors.noEntry(Resolved.parentOf(path));
        }
        long aSec = st.st_atim.tv_sec.get();
        long aNsec = st.st_atim.tv_nsec.longValue();
        long mSec = st.st_mtim.tv_sec.get();
        long mNsec = st.st_mtim.tv_nsec.longValue();
        HostFs.renameNoReplace(tmp, tree.host(path));
        HostFs.utimens(parentHost, aSec, aNsec, mSec, mNsec);
    }

    private static boolean isRegular(Node node) {
        EntryType t = node.entry().type();
        return t == EntryType.FILE || t == EntryType.HARDLINK;
    }

    static void unlinkQuietly(String host) {
        try {
            HostFs.unlink(host);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT.intValue()) {
                LOG.warn("cannot remove {}: {}", host, e.getMessage());
            }
        }
    }

    private static void rmdirQuietly(String host) {
        try {
            HostFs.rmdir(host);
        } catch (ErrnoException e) {
            LOG.warn("cannot remove {}: {}", host, e.getMessage());
        }
    }
}
