package io.strata.fs.union;

/**
 * The names of the OCI image-spec's whiteouts (layer.md, "Whiteouts"): {@code .wh.NAME} deletes {@code NAME} of
 * the layers below; {@code .wh..wh..opq} hides every lower child of its directory. Shared by the union (which
 * applies them) and by {@code strata commit} (which writes them from an upper directory), so both agree on what
 * a marker is.
 */
public final class Whiteouts {

    /** The prefix of every whiteout name; a name starting with it is never shown. */
    public static final String PREFIX = ".wh.";
    /** The opaque-directory marker. */
    public static final String OPAQUE = ".wh..wh..opq";

    private Whiteouts() {
    }

    /** Whether {@code name} (one path component) is reserved: a whiteout, the opaque marker, or AUFS metadata. */
    public static boolean isReserved(String name) {
        return name.startsWith(PREFIX);
    }

    /**
     * The name that the whiteout {@code name} deletes, or null when {@code name} deletes nothing: it is not a
     * whiteout, or it is the opaque marker, {@code .wh.} alone, or AUFS metadata ({@code .wh..wh.*}).
     */
    public static String deletedName(String name) {
        if (!name.startsWith(PREFIX) || name.startsWith(PREFIX + PREFIX) || name.length() == PREFIX.length()) {
            return null;
        }
        return name.substring(PREFIX.length());
    }
}
