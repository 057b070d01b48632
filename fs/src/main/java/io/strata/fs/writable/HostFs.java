package io.strata.fs.writable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * The host calls on the upper directory, each failing with an {@link ErrnoException} that names the call and the
 * path. Paths are absolute host paths as strings: the hot paths of a mount ({@code getattr}, {@code read}) stay
 * free of {@code java.nio.file.Path} objects.
 */
final class HostFs {

    /** {@code sizeof(struct stat)} is 144 bytes on x86-64 and 128 on arm64; room for either. */
    private static final int STAT_BYTES = 256;
    private static final ThreadLocal<FileStat> STATS = ThreadLocal.withInitial(
            () -> FileStat.of(Memory.allocateDirect(Libc.RUNTIME, STAT_BYTES)));
    private static final Libc C = Libc.INSTANCE;

    private HostFs() {
    }

    /** The calling thread's errno as an exception for {@code call} on {@code path}. */
    static ErrnoException error(String call, String path) {
        return ErrnoException.of(LastError.getLastError(Libc.RUNTIME), call + " " + path);
    }

    private static void check(int rc, String call, String path) throws ErrnoException {
        if (rc < 0) {
            throw error(call, path);
        }
    }

    /**
     * {@code lstat(2)} of {@code path} into this thread's reusable struct (valid until the thread's next call).
     *
     * @return the struct, or null when {@code path} does not exist
     */
    static FileStat lstatOrNull(String path) throws ErrnoException {
        FileStat st = STATS.get();
        if (C.fstatat(Libc.AT_FDCWD, path, jnr.ffi.Struct.getMemory(st), Libc.AT_SYMLINK_NOFOLLOW) < 0) {
            int errno = LastError.getLastError(Libc.RUNTIME);
            if (errno == jnr.constants.platform.Errno.ENOENT.intValue()) {
                return null;
            }
            throw ErrnoException.of(errno, "lstat " + path);
        }
        return st;
    }

    /** {@code lstat(2)} straight into {@code dst} (a kernel-bound {@code struct stat}, e.g. libfuse's). */
    static void lstatInto(String path, Pointer dst) throws ErrnoException {
        check(C.fstatat(Libc.AT_FDCWD, path, dst, Libc.AT_SYMLINK_NOFOLLOW), "lstat", path);
    }

    /** {@code fstat(2)} straight into {@code dst}. */
    static void fstatInto(int fd, Pointer dst) throws ErrnoException {
        check(C.fstat(fd, dst), "fstat", "fd " + fd);
    }

    static int open(String path, int flags, int mode) throws ErrnoException {
        int fd = C.open(path, flags | Libc.O_CLOEXEC, mode);
        check(fd, "open", path);
        return fd;
    }

    /** Closes, ignoring errors: used on paths that already fail or have nothing left to report. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            C.close(fd);
        }
    }

    static void close(int fd, String path) throws ErrnoException {
        check(C.close(fd), "close", path);
    }

    /** Reads up to {@code count} bytes at {@code offset} into {@code buf}; 0 at the end of the file. */
    static int pread(int fd, Pointer buf, long count, long offset) throws ErrnoException {
        long n = C.pread(fd, buf, count, offset);
        if (n < 0) {
            throw error("pread", "fd " + fd);
        }
        return (int) n;
    }

    /** Writes all {@code count} bytes of {@code buf} at {@code offset} (looping over short writes). */
    static void pwriteFully(int fd, Pointer buf, long count, long offset) throws ErrnoException {
        long done = 0;
        while (done < count) {
            long n = C.pwrite(fd, done == 0 ? buf : buf.slice(done), count - done, offset + done);
            if (n < 0) {
                throw error("pwrite", "fd " + fd);
            }
            done += n;
        }
    }

    static void fsync(int fd, boolean dataOnly, String path) throws ErrnoException {
        check(dataOnly ? C.fdatasync(fd) : C.fsync(fd), dataOnly ? "fdatasync" : "fsync", path);
    }

    static void ftruncate(int fd, long length, String path) throws ErrnoException {
        check(C.ftruncate(fd, length), "ftruncate", path);
    }

    static void truncate(String path, long length) throws ErrnoException {
        check(C.truncate(path, length), "truncate", path);
    }

    static void fchown(int fd, long uid, long gid, String path) throws ErrnoException {
        check(C.fchown(fd, (int) uid, (int) gid), "fchown", path);
    }

    static void fchmod(int fd, int mode, String path) throws ErrnoException {
        check(C.fchmod(fd, mode), "fchmod", path);
    }

    static void chmod(String path, int mode) throws ErrnoException {
        check(C.chmod(path, mode), "chmod", path);
    }

    /** {@code lchown(2)}; -1 for either id leaves it as it is. */
    static void lchown(String path, long uid, long gid) throws ErrnoException {
        check(C.lchown(path, (int) uid, (int) gid), "lchown", path);
    }

    /**
     * Sets access and modification times of {@code path} itself (a symlink is not followed); either nanosecond field
     * may be {@code UTIME_NOW} or {@code UTIME_OMIT}.
     */
    static void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
            throws ErrnoException {
        check(C.utimensat(Libc.AT_FDCWD, path, new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec},
                Libc.AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    static void mkdir(String path, int mode) throws ErrnoException {
        check(C.mkdir(path, mode), "mkdir", path);
    }

    static void rmdir(String path) throws ErrnoException {
        check(C.rmdir(path), "rmdir", path);
    }

    static void unlink(String path) throws ErrnoException {
        check(C.unlink(path), "unlink", path);
    }

    /** {@code rename(2)}: replaces {@code to} if it exists (atomically). */
    static void rename(String from, String to) throws ErrnoException {
        check(C.renameat2(Libc.AT_FDCWD, from, Libc.AT_FDCWD, to, 0), "rename", from + " to " + to);
    }

    /** Renames {@code from} to {@code to}, failing with EEXIST rather than replacing {@code to}. */
    static void renameNoReplace(String from, String to) throws ErrnoException {
        check(C.renameat2(Libc.AT_FDCWD, from, Libc.AT_FDCWD, to, Libc.RENAME_NOREPLACE), "rename", from + " to " + to);
    }

    static void link(String existing, String newPath) throws ErrnoException {
        check(C.link(existing, newPath), "link", existing + " to " + newPath);
    }

    static void symlink(String target, String path) throws ErrnoException {
        check(C.symlink(target, path), "symlink", path);
    }

    static String readlink(String path) throws ErrnoException {
        byte[] buf = new byte[4096];
        long n = C.readlink(path, buf, buf.length);
        if (n < 0) {
            throw error("readlink", path);
        }
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    /** {@code mknod(2)}; {@code mode} carries the file type ({@code S_IFIFO}, {@code S_IFCHR}...). */
    static void mknod(String path, int mode, long dev) throws ErrnoException {
        check(C.mknod(path, mode, dev), "mknod", path);
    }

    /** The value's length, copied into {@code value} unless {@code size} is 0 (the xattr size protocol). */
    static long getxattr(String path, String name, Pointer value, long size) throws ErrnoException {
        long n = C.lgetxattr(path, name, value, size);
        if (n < 0) {
            throw error("lgetxattr " + name, path);
        }
        return n;
    }

    static void setxattr(String path, String name, Pointer value, long size, int flags) throws ErrnoException {
        check(C.lsetxattr(path, name, value, size, flags), "lsetxattr " + name, path);
    }

    static void setxattr(String path, String name, byte[] value) throws ErrnoException {
        check(C.lsetxattr(path, name, value, value.length, 0), "lsetxattr " + name, path);
    }

    static void removexattr(String path, String name) throws ErrnoException {
        check(C.lremovexattr(path, name), "lremovexattr " + name, path);
    }

    /** The names of {@code path}'s extended attributes, every namespace this process may read. */
    static List<String> listxattr(String path) throws ErrnoException {
        for (int attempt = 0; ; attempt++) {
            long size = C.llistxattr(path, null, 0);
            if (size < 0) {
                throw error("llistxattr", path);
            }
            byte[] buf = new byte[(int) size];
            long n = size == 0 ? 0 : C.llistxattr(path, buf, size);
            if (n < 0) {
                // ERANGE: the list grew between the two calls; ask again.
                if (LastError.getLastError(Libc.RUNTIME) == jnr.constants.platform.Errno.ERANGE.intValue() && attempt < 3) {
                    continue;
                }
                throw error("llistxattr", path);
            }
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == 0) {
                    if (i > start) {
                        names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                    }
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /** One attribute's value. */
    static byte[] getxattr(String path, String name) throws ErrnoException {
        for (int attempt = 0; ; attempt++) {
            long size = C.lgetxattr(path, name, (byte[]) null, 0);
            if (size < 0) {
                throw error("lgetxattr " + name, path);
            }
            byte[] value = new byte[(int) size];
            long n = size == 0 ? 0 : C.lgetxattr(path, name, value, size);
            if (n < 0) {
                if (LastError.getLastError(Libc.RUNTIME) == jnr.constants.platform.Errno.ERANGE.intValue() && attempt < 3) {
                    continue;
                }
                throw error("lgetxattr " + name, path);
            }
            return n == size ? value : java.util.Arrays.copyOf(value, (int) n);
        }
    }

    static void statvfs(String path, Pointer dst) throws ErrnoException {
        check(C.statvfs(path, dst), "statvfs", path);
    }

    /** Takes an exclusive {@code flock} on {@code fd} without waiting; false when another process holds it. */
    static boolean tryLock(int fd, String path) throws ErrnoException {
        if (C.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0) {
            return true;
        }
        int errno = LastError.getLastError(Libc.RUNTIME);
        if (errno == jnr.constants.platform.Errno.EWOULDBLOCK.intValue()) {
            return false;
        }
        throw ErrnoException.of(errno, "flock " + path);
    }
}
