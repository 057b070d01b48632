package io.strata.fs.build;

/**
 * A Dockerfile that cannot be built as written: a syntax error, an unsupported instruction or flag, a value that
 * makes no sense. The message starts with {@code FILE:LINE:} and says what to change.
 */
public final class DockerfileException extends IllegalArgumentException {

    DockerfileException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
