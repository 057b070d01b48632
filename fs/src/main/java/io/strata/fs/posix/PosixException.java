package io.strata.fs.posix;

import java.io.IOException;

/** A system call failed: which call, on what, and the errno with its description. */
public final class PosixException extends IOException {
    private final int errno;
    private final String errnoName;

    PosixException(String call, String what, int errno, String errnoName, String description) {
        super(call + " " + what + ": " + errnoName + " (" + description + ")" + hint(errnoName));
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The numeric errno. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code EEXIST}. */
    public String errnoName() {
        return errnoName;
    }

    private static String hint(String errnoName) {
        return switch (errnoName) {
            case "EPERM" -> "; creating devices and files of other owners needs root (CAP_MKNOD, CAP_CHOWN)";
            case "ENOSPC" -> "; the file system is full";
            case "EMFILE" -> "; too many open files: raise the limit (ulimit -n)";
            default -> "";
        };
    }
}
