package io.strata.fetcher.layer;

import java.io.IOException;

/**
 * A layer's content is malformed or hostile: bad tar header checksum, truncated archive, a path that would
 * escape the layer root ({@code ..}, NUL), an inconsistent sparse map. The message names the layer and the
 * entry (when there is one) and where in the uncompressed stream the problem was found.
 *
 * <p>The layer cannot be served; the fix is on the side of whoever built the image (rebuild or re-push it).
 */
public final class CorruptLayerException extends IOException {
    private final String layer;
    private final String entry;

    /**
     * @param layer   the layer, as it should appear in messages (its digest, short or long)
     * @param entry   the entry's path as written in the archive, or null when the problem is not in one entry
     * @param problem what is wrong, and where
     */
    public CorruptLayerException(String layer, String entry, String problem) {
        super("malformed layer " + layer + (entry != null ? ", entry '" + printable(entry) + "'" : "") + ": " + problem
                + " (the layer cannot be served; rebuild or re-push the image)");
        this.layer = layer;
        this.entry = entry;
    }

    /** The layer, as named in the message. */
    public String layer() {
        return layer;
    }

    /** The entry's path as written in the archive, or null. */
    public String entry() {
        return entry;
    }

    /** Hostile names may hold control characters: never let them reach a terminal or a log raw. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
