package io.strata.fs.mount;

import java.io.IOException;

/** A mount, unmount or control request failed; the message says what, where and what to do. */
public final class MountException extends IOException {

    private static final long serialVersionUID = 1L;

    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
