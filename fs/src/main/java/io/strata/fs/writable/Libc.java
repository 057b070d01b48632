package io.strata.fs.writable;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Encoding;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The C library calls the upper directory needs and Java cannot make: owners and device numbers, nanosecond times
 * on symlinks, extended attributes of every namespace ({@code security.*}, {@code trusted.*}: Java reaches only
 * {@code user.*}), and reads and writes straight between the kernel's FUSE buffers and a file descriptor. Linux
 * and glibc 2.33 or later (which export {@code fstatat} and {@code mknod} as symbols). Every call returns -1 and
 * sets errno on failure, read by {@link HostFs}.
 */
@SaveError
public interface Libc { // public only because jnr-ffi implements it from its own class loader; not an API

    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int RENAME_NOREPLACE = 1;
    int LOCK_EX = 2;
    int LOCK_NB = 4;

    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_ACCMODE = 3;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOCTTY = 0400;
    int O_TRUNC = 01000;
    int O_APPEND = 02000;
    int O_NONBLOCK = 04000;
    int O_DSYNC = 010000;
    int O_DIRECT = 040000;
    int O_DIRECTORY = 0200000;
    int O_NOFOLLOW = 0400000;
    int O_NOATIME = 01000000;
    int O_CLOEXEC = 02000000;
    int O_SYNC = 04010000;
    int O_PATH = 010000000;

    /** The bound library: one per process. */
    Libc INSTANCE = LibraryLoader.create(Libc.class).load("c");
    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    int open(@Encoding("UTF-8") String path, int flags, int mode);

    int close(int fd);

    long pread(int fd, Pointer buf, long count, long offset);

    long pwrite(int fd, Pointer buf, long count, long offset);

    int fsync(int fd);

    int fdatasync(int fd);

    int ftruncate(int fd, long length);

    int fstat(int fd, Pointer statbuf);

    int fstatat(int dirfd, @Encoding("UTF-8") String path, Pointer statbuf, int flags);

    int fchmod(int fd, int mode);

    int fchown(int fd, int uid, int gid);

    int chmod(@Encoding("UTF-8") String path, int mode);

    int lchown(@Encoding("UTF-8") String path, int uid, int gid);

    int truncate(@Encoding("UTF-8") String path, long length);

    /** {@code times} is {@code struct timespec[2]}: atime seconds, nanoseconds, mtime seconds, nanoseconds. */
    int utimensat(int dirfd, @Encoding("UTF-8") String path, @In long[] times, int flags);

    int mkdir(@Encoding("UTF-8") String path, int mode);

    int rmdir(@Encoding("UTF-8") String path);

    int unlink(@Encoding("UTF-8") String path);

    int renameat2(int olddirfd, @Encoding("UTF-8") String oldpath, int newdirfd, @Encoding("UTF-8") String newpath,
                  int flags);

    int link(@Encoding("UTF-8") String oldpath, @Encoding("UTF-8") String newpath);

    int symlink(@Encoding("UTF-8") String target, @Encoding("UTF-8") String linkpath);

    long readlink(@Encoding("UTF-8") String path, @Out byte[] buf, long size);

    int mknod(@Encoding("UTF-8") String path, int mode, long dev);

    long lgetxattr(@Encoding("UTF-8") String path, @Encoding("UTF-8") String name, Pointer value, long size);

    long lgetxattr(@Encoding("UTF-8") String path, @Encoding("UTF-8") String name, @Out byte[] value, long size);

    int lsetxattr(@Encoding("UTF-8") String path, @Encoding("UTF-8") String name, Pointer value, long size, int flags);

    int lsetxattr(@Encoding("UTF-8") String path, @Encoding("UTF-8") String name, @In byte[] value, long size,
                  int flags);

    long llistxattr(@Encoding("UTF-8") String path, @Out byte[] list, long size);

    int lremovexattr(@Encoding("UTF-8") String path, @Encoding("UTF-8") String name);

    int statvfs(@Encoding("UTF-8") String path, Pointer buf);

    int flock(int fd, int operation);
}
