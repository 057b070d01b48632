package io.strata.fetcher.source;

import java.io.IOException;

/** The repository, tag, manifest or blob does not exist at the source. The message names which. */
public final class NotFoundException extends IOException {
    public NotFoundException(String message) {
        super(message);
    }
}
