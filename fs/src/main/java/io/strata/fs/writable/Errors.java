package io.strata.fs.writable;

import jnr.constants.platform.Errno;

/** The refusals of the merged tree itself, as {@link ErrnoException}s that name the path. */
final class Errors {

    private Errors() {
    }

    static ErrnoException noEntry(String path) {
        return ErrnoException.of(Errno.ENOENT, "/" + path);
    }

    static ErrnoException notDirectory(String path) {
        return ErrnoException.of(Errno.ENOTDIR, "/" + path);
    }

    static ErrnoException isDirectory(String path) {
        return ErrnoException.of(Errno.EISDIR, "/" + path);
    }

    static ErrnoException exists(String path) {
        return ErrnoException.of(Errno.EEXIST, "/" + path);
    }

    static ErrnoException notEmpty(String path) {
        return ErrnoException.of(Errno.ENOTEMPTY, "/" + path);
    }

    static ErrnoException of(Errno errno, String why) {
        return new ErrnoException(errno.intValue(), why);
    }
}
