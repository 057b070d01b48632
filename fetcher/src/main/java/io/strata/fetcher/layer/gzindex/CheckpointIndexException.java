package io.strata.fetcher.layer.gzindex;

import java.io.IOException;

/**
 * A gzip checkpoint index cannot be used: not an index, an unknown format version, another layer's, or damaged.
 * Not fatal for a mount: the caller drops the index and serves the layer another way (whole), which builds a
 * fresh index.
 */
public final class CheckpointIndexException extends IOException {
    CheckpointIndexException(String message) {
        super(message);
    }
}
