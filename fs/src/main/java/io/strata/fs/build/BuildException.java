package io.strata.fs.build;

import java.io.IOException;

/** A build step that failed while running (a RUN's command exited non-zero, a COPY could not be written...). */
public final class BuildException extends IOException {

    BuildException(String message) {
        super(message);
    }

    BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
