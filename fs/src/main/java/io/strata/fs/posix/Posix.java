package io.strata.fs.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The file system calls of the C library that Java NIO lacks or cannot aim precisely: every call that names a file
 * takes a directory descriptor and <em>one</em> name in it ({@code openat}, {@code mkdirat}, {@code mknodat},
 * {@code symlinkat}, {@code linkat}, {@code fchownat}, {@code utimensat}), so that no path is ever resolved
 * through a symlink; extended attributes take their values as bytes; {@code sendfile} copies between descriptors
 * in the kernel. Names are passed as UTF-8 bytes, whatever the JVM's locale.
 *
 * <p>Every method throws {@link PosixException} (an {@link IOException} naming the call, the file and the errno)
 * instead of returning -1. Linux only (x86-64 and arm64 share these numbers; flags of {@code open} come from
 * jnr-constants, which knows both).
 */
public final class Posix {

    /** The current directory, as a directory descriptor. */
    public static final int AT_FDCWD = -100;
    /** For {@code fchownat}, {@code utimensat}: act on a symlink itself, never on what it points to. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;

    private static final long UTIME_OMIT = (1L << 30) - 2;
    /** Largest count one {@code sendfile} call moves (Linux caps every read and write there). */
    private static final long MAX_SENDFILE = 0x7ffff000L;
    private static final int SEEK_SET = 0;
    private static final int LOCK_SH = 1;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;

    static final int O_RDONLY = OpenFlags.O_RDONLY.intValue();
    static final int O_WRONLY = OpenFlags.O_WRONLY.intValue();
    static final int O_RDWR = OpenFlags.O_RDWR.intValue();
    static final int O_CREAT = OpenFlags.O_CREAT.intValue();
    static final int O_EXCL = OpenFlags.O_EXCL.intValue();
    static final int O_NOFOLLOW = OpenFlags.O_NOFOLLOW.intValue();
    static final int O_DIRECTORY = OpenFlags.O_DIRECTORY.intValue();
    static final int O_CLOEXEC = OpenFlags.O_CLOEXEC.intValue();

    /**
     * The bound functions. Public only because jnr-ffi implements it in a class loader of its own, which must see
     * it; nothing outside this class calls it.
     */
    public interface LibC {
        @SaveError
        int openat(int dirfd, @In byte[] path, int flags, int mode);

        @SaveError
        int close(int fd);

        @SaveError
        int mkdirat(int dirfd, @In byte[] path, int mode);

        @SaveError
        int symlinkat(@In byte[] target, int dirfd, @In byte[] path);

        @SaveError
        int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

        @SaveError
        int mknodat(int dirfd, @In byte[] path, int mode, long dev);

        @SaveError
        int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

        @SaveError
        int fchown(int fd, int uid, int gid);

        @SaveError
        int fchmod(int fd, int mode);

        @SaveError
        int fchmodat(int dirfd, @In byte[] path, int mode, int flags);

        @SaveError
        int futimens(int fd, @In long[] times);

        @SaveError
        int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

        @SaveError
        int fsetxattr(int fd, @In byte[] name, @In byte[] value, long size, int flags);

        @SaveError
        int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

        @SaveError
        long sendfile(int outFd, int inFd, @In @Out long[] offset, long count);

        @SaveError
        long lseek(int fd, long offset, int whence);

        @SaveError
        int ftruncate(int fd, long length);

        @SaveError
        int flock(int fd, int operation);

        int geteuid();
    }

    private static final class Native {
        static final LibC C;
        static final Runtime RUNTIME;

        static {
            try {
                C = LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("cannot bind the C library's file system calls (openat, mknodat,"
                        + " lsetxattr...) through jnr-ffi: " + e.getMessage(), e);
            }
            RUNTIME = Runtime.getRuntime(C);
        }

        private Native() {
        }
    }

    private Posix() {
    }

    /** Whether this process runs with effective uid 0 (creating devices and giving files away need it). */
    public static boolean isRoot() {
        return Native.C.geteuid() == 0;
    }

    /** Opens an existing directory (following symlinks: the caller chose it) for the {@code *at} calls. */
    public static int openDirectory(String path) throws IOException {
        return check(Native.C.openat(AT_FDCWD, bytes(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), "open", path);
    }

    /** Opens an existing file for reading (following symlinks: the caller chose it). */
    public static int openRead(String path) throws IOException {
        return check(Native.C.openat(AT_FDCWD, bytes(path), O_RDONLY | O_CLOEXEC, 0), "open", path);
    }

    /**
     * Takes a {@code flock} on {@code path} (created if missing): shared or exclusive, held until the returned
     * descriptor is closed. Unlike Java's {@code FileLock} it belongs to the open file, so two holders in one
     * process exclude each other as two processes do. Empty when {@code wait} is false and another holds it.
     */
    public static OptionalInt lock(String path, boolean exclusive, boolean wait) throws IOException {
        int fd = check(Native.C.openat(AT_FDCWD, bytes(path), O_RDWR | O_CREAT | O_CLOEXEC, 0644), "open", path);
        int op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);
        while (Native.C.flock(fd, op) < 0) {
            PosixException e = error("lock", path);
            if (e.errnoName().equals("EINTR")) {
                continue;
            }
            closeQuietly(fd);
            if (e.errnoName().equals("EWOULDBLOCK") || e.errnoName().equals("EAGAIN")) {
                return OptionalInt.empty();
            }
            throw e;
        }
        return OptionalInt.of(fd);
    }

    /** Opens the directory {@code name} in {@code dirfd}; fails on a symlink or anything but a directory. */
    public static int openDirectoryAt(int dirfd, String name, String what) throws IOException {
        return check(Native.C.openat(dirfd, bytes(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0), "open", what);
    }

    /** Creates the regular file {@code name} in {@code dirfd} (mode 0600 until set); fails if the name exists. */
    public static int createFile(int dirfd, String name, String what) throws IOException {
        return check(Native.C.openat(dirfd, bytes(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600),
                "create", what);
    }

    public static void close(int fd) throws IOException {
        check(Native.C.close(fd), "close", "descriptor " + fd);
    }

    /** Closes without failing: for cleanup paths where an error is already on its way. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            Native.C.close(fd);
        }
    }

    public static void mkdirat(int dirfd, String name, int mode, String what) throws IOException {
        check(Native.C.mkdirat(dirfd, bytes(name), mode), "mkdir", what);
    }

    public static void symlinkat(String target, int dirfd, String name, String what) throws IOException {
        check(Native.C.symlinkat(bytes(target), dirfd, bytes(name)), "symlink", what);
    }

    /** A hard link {@code newName} in {@code newDirfd} to {@code oldPath} relative to {@code oldDirfd} (never followed). */
    public static void linkat(int oldDirfd, String oldPath, int newDirfd, String newName, String what) throws IOException {
        check(Native.C.linkat(oldDirfd, bytes(oldPath), newDirfd, bytes(newName), 0), "link", what);
    }

    /** A device or fifo: {@code type} is {@link #S_IFCHR}, {@link #S_IFBLK} or {@link #S_IFIFO}. */
    public static void mknodat(int dirfd, String name, int type, int mode, int major, int minor, String what)
            throws IOException {
        check(Native.C.mknodat(dirfd, bytes(name), type | (mode & 07777), makedev(major, minor)), "mknod", what);
    }

    /** Owner of {@code name} itself (a symlink is not followed). */
    public static void lchownat(int dirfd, String name, long uid, long gid, String what) throws IOException {
        check(Native.C.fchownat(dirfd, bytes(name), (int) uid, (int) gid, AT_SYMLINK_NOFOLLOW), "chown", what);
    }

    public static void fchown(int fd, long uid, long gid, String what) throws IOException {
        check(Native.C.fchown(fd, (int) uid, (int) gid), "chown", what);
    }

    /** All 12 permission bits, setuid, setgid and sticky included. */
    public static void fchmod(int fd, int mode, String what) throws IOException {
        check(Native.C.fchmod(fd, mode & 07777), "chmod", what);
    }

    /** Mode of {@code name} in {@code dirfd}; only for what cannot be a symlink (Linux cannot chmod a symlink). */
    public static void fchmodat(int dirfd, String name, int mode, String what) throws IOException {
        check(Native.C.fchmodat(dirfd, bytes(name), mode & 07777, 0), "chmod", what);
    }

    /** Sets the modification time (access time untouched). */
    public static void futimens(int fd, long seconds, int nanos, String what) throws IOException {
        check(Native.C.futimens(fd, times(seconds, nanos)), "utimens", what);
    }

    /** Sets the modification time of {@code name} itself (a symlink is not followed). */
    public static void lutimensat(int dirfd, String name, long seconds, int nanos, String what) throws IOException {
        check(Native.C.utimensat(dirfd, bytes(name), times(seconds, nanos), AT_SYMLINK_NOFOLLOW), "utimens", what);
    }

    public static void fsetxattr(int fd, String name, byte[] value, String what) throws IOException {
        check(Native.C.fsetxattr(fd, bytes(name), value, value.length, 0), "setxattr " + name, what);
    }

    /**
     * Sets an attribute of {@code name} in {@code dirfd} itself (a symlink is not followed). There is no
     * {@code lsetxattrat}; {@code /proc/self/fd/N/name} names exactly that file without walking any path.
     */
    public static void lsetxattrat(int dirfd, String name, String attribute, byte[] value, String what)
            throws IOException {
        byte[] path = bytes("/proc/self/fd/" + dirfd + "/" + name);
        check(Native.C.lsetxattr(path, bytes(attribute), value, value.length, 0), "setxattr " + attribute, what);
    }

    /**
     * Copies {@code count} bytes from {@code inFd} at {@code inOffset} to {@code outFd} at {@code outOffset}, in the
     * kernel. The input's file position is not used; the output's is moved.
     */
    public static void copy(int inFd, long inOffset, int outFd, long outOffset, long count, String what)
            throws IOException {
        check(Native.C.lseek(outFd, outOffset, SEEK_SET), "seek", what);
        long[] offset = {inOffset};
        long left = count;
        while (left > 0) {
            long n = check(Native.C.sendfile(outFd, inFd, offset, Math.min(left, MAX_SENDFILE)), "copy", what);
            if (n == 0) {
                throw new IOException("copy to " + what + ": the source ended " + left + " bytes early (at offset "
                        + offset[0] + "); the layer file is truncated: remove its snapshot and pull again");
            }
            left -= n;
        }
    }

    public static void ftruncate(int fd, long length, String what) throws IOException {
        check(Native.C.ftruncate(fd, length), "truncate", what);
    }

    /** glibc's {@code makedev}: 12 + 20 bits of major, 8 + 24 bits of minor. */
    static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    private static long[] times(long seconds, int nanos) {
        return new long[] {0, UTIME_OMIT, seconds, nanos};
    }

    /** NUL-terminated UTF-8. */
    private static byte[] bytes(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        return out;
    }

    private static int check(int result, String call, String what) throws PosixException {
        if (result < 0) {
            throw error(call, what);
        }
        return result;
    }

    private static long check(long result, String call, String what) throws PosixException {
        if (result < 0) {
            throw error(call, what);
        }
        return result;
    }

    private static PosixException error(String call, String what) {
        int errno = Native.RUNTIME.getLastError();
        Errno e = Errno.valueOf(errno);
        String name = e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name();
        String description = e == Errno.__UNKNOWN_CONSTANT__ ? "unknown error" : e.description();
        return new PosixException(call, what, errno, name, description);
    }
}
