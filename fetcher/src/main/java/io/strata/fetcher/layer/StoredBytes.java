package io.strata.fetcher.layer;

import java.io.Closeable;
import java.io.IOException;

/**
 * A layer's uncompressed tar stream, readable at any position: where {@link WholeLayerReader} takes the stored
 * bytes of its entries from. Implementations return only verified bytes and are safe for concurrent use.
 */
interface StoredBytes extends Closeable {

    /** Length of the uncompressed tar stream. */
    long length();

    /** Fills {@code dst[off, off + len)} with the stream's bytes at {@code position}; the range lies inside. */
    void readFully(long position, byte[] dst, int off, int len) throws IOException;
}
