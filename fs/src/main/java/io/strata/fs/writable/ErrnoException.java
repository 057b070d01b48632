package io.strata.fs.writable;

import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A failure that has an errno for the kernel: a host call on the upper directory that failed, or a request the
 * merged tree refuses (ENOENT, EXDEV, EINVAL for a reserved name...). {@link WritableFs} turns it into {@code -errno};
 * nothing else in this package maps errors.
 */
final class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    ErrnoException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** {@code what}: the operation and the path it failed on, e.g. "mkdir /var/lib/strata/.../upper/etc". */
    static ErrnoException of(int errno, String what) {
        return new ErrnoException(errno, what + ": " + describe(errno));
    }

    static ErrnoException of(Errno errno, String what) {
        return of(errno.intValue(), what);
    }

    int errno() {
        return errno;
    }

    static String describe(int errno) {
        Errno e = Errno.valueOf(errno);
        return e == null || e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.description() + " (" + e.name() + ")";
    }
}
