package io.strata.fetcher.image;

import java.io.IOException;

/** Content did not hash to the digest that names it: the blob (or chunk) is corrupt or was tampered with. */
public final class DigestMismatchException extends IOException {
    private final Digest expected;
    private final String actual;

    public DigestMismatchException(String what, Digest expected, String actual) {
        super(what + ": digest mismatch, expected " + expected + " but the content hashes to " + actual
                + " (the source holds corrupt data; re-push the image or report it to the registry's owner)");
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
