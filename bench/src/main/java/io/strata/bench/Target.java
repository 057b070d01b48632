package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One way to see the benchmark image as a directory: the plain unpacked directory, kernel overlayfs or
 * fuse-overlayfs over the unpacked layers, or a strata mount. Every workload runs the same code against {@link
 * #root()}; only how the tree got there differs.
 */
interface Target extends AutoCloseable {

    /** Short name for tables: {@code plain}, {@code overlay}, {@code fuse-overlayfs}, {@code strata}. */
    String name();

    /** The root of the image's tree. */
    Path root();

    /**
     * Makes the target as it is right after it was mounted: unmounted if it is, then mounted again (a new process
     * for a FUSE daemon, so nothing it kept in memory survives). Nothing for the plain directory.
     *
     * @param purpose what the mount is for, e.g. {@code round1-seq} (names its profile, if one is recorded)
     */
    void remount(String purpose) throws IOException;

    /** Where the bytes of a read come from when the page cache is cold, for the report. */
    String coldSource();

    /** Unmounts, if mounted; never throws for an unmounted target. */
    @Override
    void close() throws IOException;

    /** Whether something is mounted exactly at {@code path} (a line of /proc/self/mounts). */
    static boolean isMounted(Path path) throws IOException {
        return mountsUnder(path).contains(path.toAbsolutePath().normalize().toString());
    }

    /** The mount points at or under {@code dir}, from /proc/self/mounts. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields.length > 1) {
                String mountpoint = unescape(fields[1]);
                if (mountpoint.equals(prefix) || mountpoint.startsWith(prefix + "/")) {
                    found.add(mountpoint);
                }
            }
        }
        return found;
    }

    /** Unmounts {@code mountpoint} with {@code command} if it is mounted, lazily if that fails. */
    static void unmount(Path mountpoint, List<String> command) throws IOException {
        if (!isMounted(mountpoint)) {
            return;
        }
        try {
            Exec.run(60, command);
        } catch (IOException e) {
            Exec.run(60, List.of("umount", "-l", mountpoint.toString()));
            throw new IOException(String.join(" ", command) + " failed, unmounted lazily instead: " + e.getMessage(), e);
        }
    }

    /** /proc/mounts writes space, tab, newline and backslash as three octal digits after a backslash. */
    private static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
