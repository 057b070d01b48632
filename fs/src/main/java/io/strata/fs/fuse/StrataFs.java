package io.strata.fs.fuse;

import io.strata.fetcher.layer.EntryType;
import io.strata.fs.union.Node;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The read-only FUSE filesystem of a mounted image: answers libfuse's path-based requests from a
 * {@link MergedTree} and reads content through a {@link ContentReader}. Thin by design: no caching (the kernel
 * caches, told by long timeouts that layers never change), no logic beyond translation, and every exception is
 * turned into an errno here, because an exception that reached libfuse's native threads would kill the mount.
 *
 * <p>Mount it with {@code io.strata.fs.mount.FuseMount}; {@link #initialized()} completes when the kernel's
 * {@code FUSE_INIT} arrives, which is the moment the mount starts answering.
 */
public final class StrataFs extends JavaThreadsFuseFs implements FuseFilesystem {

    private static final Logger LOG = LoggerFactory.getLogger(StrataFs.class);

    // Linux values (asm-generic/fcntl.h); libfuse hands the open(2) flags through unchanged.
    private static final int O_ACCMODE = 03;
    private static final int O_TRUNC = 01000;
    private static final int W_OK = 2;
    private static final int X_OK = 1;
    private static final int R_OK = 4;

    private final MergedTree tree;
    private final ContentReader content;
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final ThreadLocal<FileStat> dirStats = ThreadLocal.withInitial(() -> new FileStat(Runtime.getSystemRuntime()));
    private volatile long totalBytes = -1;
    private volatile Consumer<String> openListener;

    private StrataFs(MergedTree tree, ContentReader content) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.content = Objects.requireNonNull(content, "content");
    }

    /**
     * A filesystem serving {@code tree}.
     *
     * @throws IllegalStateException when libfuse 2 cannot be loaded, naming the Debian package to install
     */
    public static StrataFs create(MergedTree tree, ContentReader content) {
        try {
            return new StrataFs(tree, content);
        } catch (LinkageError | RuntimeException e) {
            // jnr-fuse loads libfuse.so.2 in its constructor; without it the error is an opaque UnsatisfiedLinkError.
            throw new IllegalStateException("cannot load libfuse.so.2 (" + e.getMessage()
                    + "): install it with apt-get install libfuse2", e);
        }
    }

    /**
     * Tells {@code listener} the path ("/usr/bin/env") of every successful open of a regular file, on the libfuse
     * thread that serves it (so it must be quick and thread-safe); {@code strata record} records profiles with it.
     * Null (the default) tells nobody.
     */
    public void setOpenListener(Consumer<String> listener) {
        this.openListener = listener;
    }

    @Override
    public CompletableFuture<Void> initialized() {
        return initialized;
    }

    @Override
    protected String getFSName() {
        return "strata";
    }

    @Override
    public Pointer init(Pointer conn) {
        initialized.complete(null);
        return null;
    }

    @Override
    public int getattr(String path, FileStat stat) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            FileStats.fill(stat, node);
            return 0;
        } catch (RuntimeException | Error e) {
            return failed("getattr", path, e);
        }
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        try {
            Node dir = tree.lookup(path);
            if (dir == null) {
                return -ErrorCodes.ENOENT();
            }
            if (!dir.isDirectory()) {
                return -ErrorCodes.ENOTDIR();
            }
            // Offset-0 mode: libfuse buffers the whole listing, so every entry is added in one call.
            FileStat st = dirStats.get();
            FileStats.fill(st, dir);
            FuseReplies.addDirEntry(filler, buf, ".", st);
            FuseReplies.addDirEntry(filler, buf, "..", null);
            for (Map.Entry<String, Node> child : dir.children().entrySet()) {
                FileStats.fill(st, child.getValue());
                if (FuseReplies.addDirEntry(filler, buf, child.getKey(), st) != 0) {
                    return -ErrorCodes.ENOMEM();
                }
            }
            return 0;
        } catch (RuntimeException | Error e) {
            return failed("readdir", path, e);
        }
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            int flags = fi.flags.get();
            if ((flags & O_ACCMODE) != 0 || (flags & O_TRUNC) != 0) {
                return -ErrorCodes.EROFS();
            }
            Consumer<String> listener = openListener;
            if (listener != null && node.entry().type() == EntryType.FILE) {
                listener.accept(path);
            }
            // keep_cache comes from the kernel_cache mount option (jnr-fuse exposes the bit field as padding).
            return 0;
        } catch (RuntimeException | Error e) {
            return failed("open", path, e);
        }
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            return FuseReplies.readNode(content, node, buf, size, offset);
        } catch (IOException e) {
            LOG.error("read of {} at offset {} failed: {}", path, offset, e.toString());
            return -ErrorCodes.EIO();
        } catch (RuntimeException | Error e) {
            return failed("read", path, e);
        }
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if (node.entry().type() != EntryType.SYMLINK || node.entry().linkTarget() == null) {
                return -ErrorCodes.EINVAL();
            }
            return FuseReplies.readlink(node.entry().linkTarget(), buf, size);
        } catch (RuntimeException | Error e) {
            return failed("readlink", path, e);
        }
    }

    @Override
    public int statfs(String path, Statvfs st) {
        try {
            st.f_bsize.set(FileStats.BLOCK_SIZE);
            st.f_frsize.set(FileStats.BLOCK_SIZE);
            st.f_blocks.set((totalBytes() + FileStats.BLOCK_SIZE - 1) / FileStats.BLOCK_SIZE);
            st.f_bfree.set(0);
            st.f_bavail.set(0);
            st.f_files.set(tree.nodeCount());
            st.f_ffree.set(0);
            st.f_favail.set(0);
            st.f_namemax.set(255);
            st.f_flag.set(Statvfs.ST_RDONLY | Statvfs.ST_NOSUID | Statvfs.ST_NODEV);
            return 0;
        } catch (RuntimeException | Error e) {
            return failed("statfs", path, e);
        }
    }

    /** Sum of file sizes, each inode once; computed on first use because only df asks for it. */
    private long totalBytes() {
        long total = totalBytes;
        if (total >= 0) {
            return total;
        }
        total = 0;
        Set<Long> seenLinked = new HashSet<>();
        ArrayDeque<Node> todo = new ArrayDeque<>();
        todo.push(tree.root());
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (node.isDirectory()) {
                node.children().values().forEach(todo::push);
            } else if (node.nlink() <= 1 || seenLinked.add(node.inode())) {
                total += FileStats.size(node);
            }
        }
        totalBytes = total;
        return total;
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            byte[] bytes = node.entry().xattrs().get(name);
            if (bytes == null) {
                // jnr-fuse's ENOATTR() is the BSD number (93), which Linux reads as EPROTONOSUPPORT.
                return -ErrorCodes.ENODATA();
            }
            return FuseReplies.copyOut(bytes, value, size);
        } catch (RuntimeException | Error e) {
            return failed("getxattr", path, e);
        }
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            return FuseReplies.copyOutNames(node.entry().xattrs().keySet(), list, size);
        } catch (RuntimeException | Error e) {
            return failed("listxattr", path, e);
        }
    }

    @Override
    public int access(String path, int mask) {
        try {
            Node node = tree.lookup(path);
            if (node == null) {
                return -ErrorCodes.ENOENT();
            }
            if ((mask & W_OK) != 0) {
                return -ErrorCodes.EROFS();
            }
            return Permissions.allows(node.entry(), getContext(), mask & (R_OK | X_OK)) ? 0 : -ErrorCodes.EACCES();
        } catch (RuntimeException | Error e) {
            return failed("access", path, e);
        }
    }

    /**
     * The last line of defence: nothing may unwind into libfuse's native thread, not even an Error (a zlib that
     * cannot load, an OutOfMemoryError on a hostile index): the call fails with EIO and the mount lives on.
     */
    private static int failed(String op, String path, Throwable e) {
        LOG.error("{} {} failed", op, path, e);
        return -ErrorCodes.EIO();
    }

    // Everything below would change the image: the mount is read-only.

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int mknod(String path, @mode_t long mode, long rdev) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int unlink(String path) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int rmdir(String path) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int link(String oldpath, String newpath) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return -ErrorCodes.EROFS();
    }

    @Override
    public int removexattr(String path, String name) {
        return -ErrorCodes.EROFS();
    }
}
