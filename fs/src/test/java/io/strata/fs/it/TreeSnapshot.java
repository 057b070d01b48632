package io.strata.fs.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a user can observe of a directory tree, file by file: type, mode, owner, size, content hash,
 * symlink target, device numbers, extended attributes, mtime and hardlink groups. Two trees are equal for
 * our purposes when their snapshots are equal; {@link #diff} lists what differs, path by path.
 */
final class TreeSnapshot {

    /** What one path shows. {@code linkGroup} is the sorted list of the paths sharing its inode (files only). */
    record Facts(String type, int mode, int uid, int gid, long size, String sha256, String target, long rdev,
                 Map<String, String> xattrs, long mtimeSeconds, String linkGroup) {
    }

    private final SortedMap<String, Facts> facts;

    private TreeSnapshot(SortedMap<String, Facts> facts) {
        this.facts = facts;
    }

    SortedMap<String, Facts> facts() {
        return facts;
    }

    /**
     * Walks {@code root} without following symlinks. {@code withMtimeOfDirs}: whether directory mtimes are
     * compared (an unpacker that creates files inside a directory after setting its time changes it).
     */
    static TreeSnapshot of(Path root, boolean withMtimeOfDirs) throws IOException, InterruptedException {
        Map<String, Map<String, String>> xattrs = XattrDump.of(root);
        Map<Long, TreeSet<String>> byInode = new TreeMap<>();
        Map<String, Long> inodeOf = new TreeMap<>();
        SortedMap<String, Facts> out = new TreeMap<>();
        List<Object[]> pending = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                visit(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                visit(file);
                return FileVisitResult.CONTINUE;
            }

            private void visit(Path p) throws IOException {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String type = typeOf(mode);
                long ino = (Long) a.get("ino");
                if (type.equals("file")) {
                    byInode.computeIfAbsent(ino, k -> new TreeSet<>()).add(rel);
                    inodeOf.put(rel, ino);
                }
                pending.add(new Object[] {rel, p, a, type});
            }
        });
        for (Object[] row : pending) {
            String rel = (String) row[0];
            Path p = (Path) row[1];
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) row[2];
            String type = (String) row[3];
            int mode = (Integer) a.get("mode") & 07777;
            long size = type.equals("file") || type.equals("symlink") ? (Long) a.get("size") : 0;
            String sha = type.equals("file") ? sha256(p) : null;
            String target = type.equals("symlink") ? Files.readSymbolicLink(p).toString() : null;
            long rdev = type.equals("char") || type.equals("block") ? (Long) a.get("rdev") : 0;
            long mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
            if (type.equals("dir") && !withMtimeOfDirs) {
                mtime = 0;
            }
            if (type.equals("symlink") || rel.isEmpty()) {
                mtime = 0; // unpackers differ on symlink and root times; what a user runs does not read them
            }
            String group = type.equals("file") ? String.join(",", byInode.get(inodeOf.get(rel))) : null;
            out.put(rel.isEmpty() ? "." : rel, new Facts(type, mode, (Integer) a.get("uid"), (Integer) a.get("gid"),
                    size, sha, target, rdev, xattrs.getOrDefault(rel.isEmpty() ? "." : rel, Map.of()), mtime, group));
        }
        return new TreeSnapshot(out);
    }

    /**
     * This snapshot with every mtime at or after {@code sinceSeconds} replaced by -1: two trees changed by the same
     * script at different moments then compare "set to now" as equal, while times that were kept or set to a
     * given date still compare exactly.
     */
    TreeSnapshot withRecentMtimes(long sinceSeconds) {
        SortedMap<String, Facts> out = new TreeMap<>();
        facts.forEach((path, f) -> out.put(path, f.mtimeSeconds() < sinceSeconds ? f : new Facts(f.type(), f.mode(),
                f.uid(), f.gid(), f.size(), f.sha256(), f.target(), f.rdev(), f.xattrs(), -1, f.linkGroup())));
        return new TreeSnapshot(out);
    }

    /** Human-readable differences, empty when the trees are equal (at most {@code limit} lines). */
    List<String> diff(TreeSnapshot other, int limit) {
        List<String> d = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(facts.keySet());
        all.addAll(other.facts.keySet());
        for (String path : all) {
            Facts a = facts.get(path);
            Facts b = other.facts.get(path);
            if (a == null) {
                d.add("only in expected: " + path + " " + b);
            } else if (b == null) {
                d.add("only in actual:   " + path + " " + a);
            } else if (!a.equals(b)) {
                d.add("differs: " + path + "\n   actual   " + a + "\n   expected " + b);
            }
            if (d.size() >= limit) {
                d.add("...");
                break;
            }
        }
        return d;
    }

    private static String typeOf(int mode) {
        return switch (mode & 0170000) {
            case 0100000 -> "file";
            case 0040000 -> "dir";
            case 0120000 -> "symlink";
            case 0020000 -> "char";
            case 0060000 -> "block";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            default -> "unknown-" + Integer.toOctalString(mode);
        };
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
