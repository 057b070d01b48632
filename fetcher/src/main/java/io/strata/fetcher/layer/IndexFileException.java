package io.strata.fetcher.layer;

import java.io.IOException;

/**
 * A cached index file cannot be used: unknown version, wrong layer, or corrupt bytes. Not fatal: the caller
 * re-fetches the layer and writes a fresh index.
 */
final class IndexFileException extends IOException {
    IndexFileException(String message) {
        super(message);
    }
}
