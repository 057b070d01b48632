package io.strata.cache.chunk;

import java.io.IOException;

/**
 * The bytes produced for a content-addressed chunk hash to another digest: the source served wrong data or the
 * index that named the chunk is wrong. Nothing was cached; retrying fetches the chunk again.
 */
public final class ChunkDigestMismatchException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String expected;
    private final String actual;

    ChunkDigestMismatchException(ChunkKey key, String actualHex, int length) {
        super("chunk " + key + " failed verification: its " + length + " loaded bytes hash to sha256:" + actualHex
                + "; the source served other data than the layer index promises (not cached; a retry refetches it)");
        this.expected = key.contentDigest().orElseThrow();
        this.actual = "sha256:" + actualHex;
    }

    /** The digest the key promised. */
    public String expected() {
        return expected;
    }

    /** The digest of the bytes that arrived. */
    public String actual() {
        return actual;
    }
}
