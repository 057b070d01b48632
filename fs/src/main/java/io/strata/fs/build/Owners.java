package io.strata.fs.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code COPY --chown=USER[:GROUP]}: numeric ids, or names looked up in the image's {@code /etc/passwd} and
 * {@code /etc/group}. As Docker documents it, a user without a group (name or number) gets the user's uid as gid.
 */
final class Owners {

    /** The owner files get. */
    record Owner(long uid, long gid) {
        static final Owner ROOT = new Owner(0, 0);
    }

    /** Reads a file of the image by absolute path; empty when it has none. */
    @FunctionalInterface
    interface ImageFiles {
        Optional<byte[]> read(String path) throws IOException;
    }

    private Owners() {
    }

    /**
     * The owner {@code spec} names.
     *
     * @throws IllegalArgumentException when a name is not in the image, or an id is not a number in range
     */
    static Owner parse(String spec, ImageFiles image) throws IOException {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        if (user.isEmpty() || (group != null && group.isEmpty())) {
            throw new IllegalArgumentException("--chown=" + spec + ": expected USER[:GROUP], each a name or a number");
        }
        long uid = isNumber(user) ? id(user, spec) : lookup(image, "/etc/passwd", user, spec);
        long gid = group == null ? uid : isNumber(group) ? id(group, spec) : lookup(image, "/etc/group", group, spec);
        return new Owner(uid, gid);
    }

    private static boolean isNumber(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long id(String s, String spec) {
        try {
            long id = Long.parseLong(s);
            if (id <= 0xFFFFFFFEL) {
                return id;
            }
        } catch (NumberFormatException e) {
            // too long: the same message
        }
        throw new IllegalArgumentException("--chown=" + spec + ": " + s + " is not an id (0 to 4294967294)");
    }

    /** The third field (the id) of the line of {@code name} in a passwd- or group-format file of the image. */
    private static long lookup(ImageFiles image, String file, String name, String spec) throws IOException {
        Optional<byte[]> content = image.read(file);
        if (content.isEmpty()) {
            throw new IllegalArgumentException("--chown=" + spec + ": the image has no " + file + " to look up "
                    + name + " in; use numeric ids");
        }
        for (String line : new String(content.get(), StandardCharsets.UTF_8).split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && fields[0].equals(name) && isNumber(fields[2]) && !fields[2].isEmpty()) {
                return id(fields[2], spec);
            }
        }
        throw new IllegalArgumentException("--chown=" + spec + ": no " + name + " in the image's " + file
                + " (create it with a RUN step before this COPY, or use numeric ids)");
    }
}
