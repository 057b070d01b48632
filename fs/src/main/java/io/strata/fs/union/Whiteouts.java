package io.strata.fs.union;

/**
 * The OCI whiteout names (image-spec layer.md, "Whiteouts" and "Opaque Whiteout"), in one place for every
 * reader and writer of layers: the union of image layers ({@link UnionView}), the writable upper directory
 * ({@code io.strata.fs.writable}) and {@code strata commit}, which turns that directory into a layer.
 *
 * <p>{@code .wh.NAME} next to where {@code NAME} was hides {@code NAME} of lower layers; {@code .wh..wh..opq}
 * inside a directory hides every lower child of that directory. Every name starting with {@code .wh.} is
 * reserved: never shown, never creatable by a user.
 */
public final class Whiteouts {

    /** The prefix of every reserved name. */
    public static final String PREFIX = ".wh.";
    /** The opaque marker: a directory holding it hides all children of the layers below. */
    public static final String OPAQUE = ".wh..wh..opq";

    private Whiteouts() {
    }

    /** Whether {@code name} (one path component) is reserved for whiteouts: it starts with {@code .wh.}. */
    public static boolean isReserved(String name) {
        return name.startsWith(PREFIX);
    }

    /** The whiteout file's name that deletes {@code name}: {@code .wh.NAME}. */
    public static String whiteoutFor(String name) {
        if (isReserved(name)) {
            throw new IllegalArgumentException("'" + name + "' is itself a reserved whiteout name");
        }
        return PREFIX + name;
    }

    /**
     * The name a whiteout file deletes ({@code .wh.NAME} → {@code NAME}); null for the opaque marker and for names
     * that delete nothing that can exist ({@code .wh.} alone, AUFS metadata such as {@code .wh..wh.plnk}).
     */
    public static String hiddenBy(String whiteoutName) {
        if (!isReserved(whiteoutName)) {
            return null;
        }
        String hidden = whiteoutName.substring(PREFIX.length());
        return hidden.isEmpty() || isReserved(hidden) ? null : hidden;
    }

    /** Whether the last component of {@code path} (slash-separated) is a reserved name. */
    static boolean isReservedPath(String path) {
        return path.startsWith(PREFIX, path.lastIndexOf('/') + 1);
    }
}
