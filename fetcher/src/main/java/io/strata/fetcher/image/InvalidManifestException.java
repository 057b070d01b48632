package io.strata.fetcher.image;

import java.io.IOException;

/**
 * A manifest, index or config could not be used: malformed JSON, a missing field, or a media type Strata
 * does not read. The message names the reference and says what to do.
 */
public final class InvalidManifestException extends IOException {
    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
