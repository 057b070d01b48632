package io.strata.fs.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads {@code /proc/self/mountinfo}: is something mounted at a path, and of which type. */
final class MountTable {

    /** One mount: its filesystem type ("fuse.strata", "tmpfs") and source ("strata"). */
    record Mount(Path mountpoint, String fsType, String source) {
        boolean isFuse() {
            return fsType.equals("fuse") || fsType.startsWith("fuse.") || fsType.equals("fuseblk");
        }
    }

    private MountTable() {
    }

    /** The topmost mount whose mount point is exactly {@code path} (already canonical), if any. */
    static Optional<Mount> at(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return Optional.empty();
        }
        Mount found = null;
        for (String line : lines) {
            Mount m = parse(line);
            if (m != null && m.mountpoint().equals(path)) {
                found = m; // later lines are mounted on top of earlier ones
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Parses one line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
     * (proc(5)); field 5 is the mount point, the fields after "-" are type and source.
     */
    static Mount parse(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
            return null;
        }
        return new Mount(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2]));
    }

    /** The kernel writes space, tab, newline and backslash as three-digit octal escapes. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
