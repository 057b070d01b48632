package io.strata.fs.writable;

import io.strata.fs.fuse.ContentReader;
import io.strata.fs.fuse.FuseFilesystem;
import io.strata.fs.fuse.FuseReplies;
import io.strata.fs.fuse.JavaThreadsFuseFs;
import io.strata.fs.fuse.MergedTree;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The writable FUSE filesystem of a container: the image's layers with an upper directory on top (see the package
 * description for its format and semantics). Thin: each libfuse request becomes one call of the merged tree, and
 * this is the only place where an exception becomes an errno; nothing escapes into libfuse's threads.
 *
 * <p>libfuse 2 is asked for two things jnr-fuse does not expose: {@code flag_nullpath_ok} (a request on an open
 * file may come without a path; it is served by the descriptor) and {@code flag_utime_omit_ok} (so
 * {@code touch -m} reaches the filesystem with {@code UTIME_OMIT} for the access time instead of being dropped).
 * A file unlinked while open is renamed by libfuse to a hidden name: see {@link HiddenFiles}.
 */
public final class WritableFs extends JavaThreadsFuseFs implements FuseFilesystem {

    private static final Logger LOG = LoggerFactory.getLogger(WritableFs.class);
    /**
     * libfuse 2's {@code struct fuse_operations} (ABI-stable since 2.9): 38 function pointers from {@code getattr}
     * to {@code bmap}, then a word of bit fields whose lowest byte holds the flags below.
     */
    private static final int FLAGS_AFTER_POINTERS = 38;
    private static final int FLAG_NULLPATH_OK = 1;
    private static final int FLAG_UTIME_OMIT_OK = 1 << 2;

    private final Overlay overlay;
    private final HandleTable handles = new HandleTable();
    private final CompletableFuture<Void> initialized = new CompletableFuture<>();
    private final ThreadLocal<FileStat> dirStats = ThreadLocal.withInitial(() -> new FileStat(Runtime.getSystemRuntime()));

    private WritableFs(Overlay overlay) {
        this.overlay = overlay;
        Pointer ops = Struct.getMemory(fuseOperations);
        long flags = flagsOffset();
        ops.putByte(flags, (byte) (ops.getByte(flags) | FLAG_NULLPATH_OK | FLAG_UTIME_OMIT_OK));
    }

    /** Where libfuse 2 reads the flags word in {@code struct fuse_operations}. */
    static long flagsOffset() {
        return (long) FLAGS_AFTER_POINTERS * Runtime.getSystemRuntime().addressSize();
    }

    /**
     * A writable filesystem of {@code upper} over {@code lower} (whose file content {@code content} reads).
     *
     * @throws IOException           when {@code upper/} cannot be made
     * @throws IllegalStateException when libfuse 2 cannot be loaded, naming the Debian package to install
     */
    public static WritableFs create(MergedTree lower, ContentReader content, UpperDirectory upper) throws IOException {
        Overlay overlay = Overlay.open(lower, content, upper);
        try {
            return new WritableFs(overlay);
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("cannot load libfuse.so.2 (" + e.getMessage()
                    + "): install it with apt-get install libfuse2", e);
        }
    }

    @Override
    public CompletableFuture<Void> initialized() {
        return initialized;
    }

    /** Number of files open through the mount right now. */
    public int openFiles() {
        return handles.size();
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
    public void destroy(Pointer initResult) {
        handles.closeAll();
        overlay.closeHidden();
    }

    /** The path relative to the mount root ("usr/bin"; "" for the root); null stays null (an unlinked open file). */
    private static String rel(String path) {
        if (path == null) {
            return null;
        }
        int i = 0;
        while (i < path.length() && path.charAt(i) == '/') {
            i++;
        }
        return path.substring(i);
    }

    private Caller caller() {
        FuseContext c = getContext();
        return new Caller(c.uid.get(), c.gid.get());
    }

    @FunctionalInterface
    private interface Call {
        int run() throws IOException;
    }

    /** Runs one request: errno failures become {@code -errno}, any other failure is logged and becomes EIO. */
    private static int serve(String op, String path, Call call) {
        try {
            return call.run();
        } catch (ErrnoException e) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {}: {}", op, path, e.getMessage());
            }
            return -e.errno();
        } catch (IOException e) {
            LOG.error("{} {} failed: {}", op, path, e.toString());
            return -ErrorCodes.EIO();
        } catch (RuntimeException | Error e) {
            LOG.error("{} {} failed", op, path, e);
            return -ErrorCodes.EIO();
        }
    }

    private HandleTable.Handle handle(FuseFileInfo fi) {
        return fi == null ? null : handles.get(fi.fh.get());
    }

    // Reading the tree.

    @Override
    public int getattr(String path, FileStat stat) {
        return serve("getattr", path, () -> {
            overlay.stat(rel(path), stat);
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return serve("fgetattr", path, () -> {
            HandleTable.Handle h = handle(fi);
            if (h != null && h.isUpper()) {
                Overlay.fstat(h.fd(), stat);
            } else if (path != null) {
                overlay.stat(rel(path), stat);
            } else {
                return -ErrorCodes.EBADF();
            }
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return serve("readdir", path, () -> {
            // Offset-0 mode: libfuse buffers the whole listing, so every entry is added in one call.
            overlay.list(rel(path), dirStats.get(), (name, st) -> FuseReplies.addDirEntry(filler, buf, name, st) == 0);
            return 0;
        });
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
    public int readlink(String path, Pointer buf, @size_t long size) {
        return serve("readlink", path, () -> FuseReplies.readlink(overlay.readlink(rel(path)), buf, size));
    }

    @Override
    public int access(String path, int mask) {
        // The mount uses default_permissions: the kernel checks modes itself and asks only whether the path exists.
        return serve("access", path, () -> {
            overlay.resolve(rel(path));
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return serve("statfs", path, () -> {
            overlay.statfs(Struct.getMemory(st));
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return serve("getxattr", path, () -> (int) overlay.getxattr(rel(path), name, value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return serve("listxattr", path, () -> FuseReplies.copyOutNames(overlay.listxattr(rel(path)), list, size));
    }

    // Open files.

    @Override
    public int open(String path, FuseFileInfo fi) {
        return serve("open", path, () -> {
            fi.fh.set(handles.add(overlay.open(rel(path), fi.flags.get())));
            return 0;
        });
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return serve("create", path, () -> {
            String p = rel(path);
            int fd = overlay.namespace().create(p, (int) mode, fi.flags.get(), caller());
            fi.fh.set(handles.add(new HandleTable.Handle(fd, null, p)));
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return serve("read", path, () -> {
            HandleTable.Handle h = handle(fi);
            if (h == null) {
                return -ErrorCodes.EBADF();
            }
            if (h.isUpper()) {
                return HostFs.pread(h.fd(), buf, size, offset);
            }
            return FuseReplies.readNode(overlay.content(), h.lower(), buf, size, offset);
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return serve("write", path, () -> {
            HandleTable.Handle h = handle(fi);
            if (h == null || !h.isUpper()) {
                return -ErrorCodes.EBADF();
            }
            HostFs.pwriteFully(h.fd(), buf, size, offset);
            return (int) size;
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return serve("fsync", path, () -> {
            HandleTable.Handle h = handle(fi);
            if (h != null && h.isUpper()) {
                HostFs.fsync(h.fd(), isdatasync != 0, h.path());
            }
            return 0;
        });
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return serve("fsyncdir", path, () -> {
            if (path != null) {
                overlay.fsyncDirectory(rel(path));
            }
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return serve("release", path, () -> {
            HandleTable.Handle h = handles.remove(fi.fh.get());
            if (h != null && h.isUpper()) {
                HostFs.close(h.fd(), h.path());
            }
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return serve("ftruncate", path, () -> {
            HandleTable.Handle h = handle(fi);
            if (h != null && h.isUpper()) {
                HostFs.ftruncate(h.fd(), size, h.path());
            } else if (path != null) {
                overlay.truncate(rel(path), size);
            } else {
                return -ErrorCodes.EBADF();
            }
            return 0;
        });
    }

    // Changing attributes: a lower entry is copied up first.

    @Override
    public int truncate(String path, @off_t long size) {
        return serve("truncate", path, () -> {
            overlay.truncate(rel(path), size);
            return 0;
        });
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return serve("chmod", path, () -> {
            overlay.chmod(rel(path), (int) mode);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return serve("chown", path, () -> {
            overlay.chown(rel(path), uid, gid);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        return serve("utimens", path, () -> {
            overlay.utimens(rel(path), timespec[0].tv_sec.get(), timespec[0].tv_nsec.longValue(),
                    timespec[1].tv_sec.get(), timespec[1].tv_nsec.longValue());
            return 0;
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return serve("setxattr", path, () -> {
            overlay.setxattr(rel(path), name, value, size, flags);
            return 0;
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return serve("removexattr", path, () -> {
            overlay.removexattr(rel(path), name);
            return 0;
        });
    }

    // Changing names.

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return serve("mkdir", path, () -> {
            overlay.namespace().mkdir(rel(path), (int) mode, caller());
            return 0;
        });
    }

    @Override
    public int mknod(String path, @mode_t long mode, long rdev) {
        return serve("mknod", path, () -> {
            overlay.namespace().mknod(rel(path), (int) mode, rdev, caller());
            return 0;
        });
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return serve("symlink", newpath, () -> {
            overlay.namespace().symlink(oldpath, rel(newpath), caller());
            return 0;
        });
    }

    @Override
    public int link(String oldpath, String newpath) {
        return serve("link", newpath, () -> {
            overlay.namespace().link(rel(oldpath), rel(newpath));
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return serve("unlink", path, () -> {
            overlay.namespace().unlink(rel(path));
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return serve("rmdir", path, () -> {
            overlay.namespace().rmdir(rel(path));
            return 0;
        });
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return serve("rename", oldpath, () -> {
            overlay.namespace().rename(rel(oldpath), rel(newpath));
            return 0;
        });
    }
}
