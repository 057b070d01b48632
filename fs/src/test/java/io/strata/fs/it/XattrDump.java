package io.strata.fs.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * All extended attributes of a tree, with binary values as hex, read by {@code getfattr} (Debian package
 * {@code attr}) in one run: Java's own xattr view reaches only the {@code user.} namespace.
 */
final class XattrDump {
    private XattrDump() {
    }

    /** Relative path ("." for the root) → attribute name → value as {@code 0x...}. */
    static Map<String, Map<String, String>> of(Path root) throws IOException, InterruptedException {
        String out;
        try {
            out = Shell.run(root, "getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", ".");
        } catch (IOException e) {
            if (e.getMessage().contains("No such file")) {
                throw new IOException("getfattr is missing: apt-get install attr", e);
            }
            throw e;
        }
        Map<String, Map<String, String>> all = new TreeMap<>();
        String current = null;
        for (String line : Shell.lines(out)) {
            if (line.startsWith("# file: ")) {
                current = unescape(line.substring("# file: ".length()));
                current = current.equals(".") ? "." : current.startsWith("./") ? current.substring(2) : current;
            } else if (!line.isBlank() && current != null) {
                int eq = line.indexOf('=');
                String name = eq < 0 ? line : line.substring(0, eq);
                String value = eq < 0 ? "" : line.substring(eq + 1);
                // FUSE mounts and plain directories differ in security.selinux labels only on SELinux hosts.
                if (!name.equals("security.selinux")) {
                    all.computeIfAbsent(current, k -> new TreeMap<>()).put(name, value);
                }
            }
        }
        return all;
    }

    /** getfattr escapes unusual bytes of names as \ooo octal. */
    private static String unescape(String s) {
        var bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 4;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
