package io.strata.fs.commit;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fs.union.Whiteouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes of an upper directory as the entries of a new layer, 1:1: every file, directory, symlink, device and
 * fifo under {@code upper/} (the root itself excepted: its attributes are the mount's, not the image's) with its
 * real mode, owner, mtime and xattrs, sorted by the bytes of its path. Files sharing an inode become one file and
 * tar hardlinks to it. Whiteouts ({@code .wh.NAME}) and opaque markers ({@code .wh..wh..opq}) must be empty
 * regular files and are written as such (never as hardlinks, even when they share an inode).
 *
 * <p>One case is rewritten rather than copied: a whiteout next to the name it deletes ({@code .wh.x} and {@code x}
 * both present: deleted, then made again). In one layer, OCI says the whiteout hides only the lower {@code x};
 * tools differ on it. So a file {@code x} simply replaces the lower one (the whiteout is dropped), and a directory
 * {@code x} gets an opaque marker instead (its lower children stay hidden). Sockets cannot be stored in a layer:
 * they are skipped with a warning. A character device 0:0 is kernel overlayfs's whiteout, not Strata's format: it
 * is refused.
 */
public final class UpperChanges {

    private static final Logger LOG = LoggerFactory.getLogger(UpperChanges.class);

    /**
     * What the walk found.
     *
     * @param entries    the layer's entries, sorted by path bytes
     * @param skipped    paths left out (sockets)
     * @param whiteouts  whiteout entries (deleted names)
     * @param opaqueDirs opaque markers
     */
    public record Result(List<NewEntry> entries, List<String> skipped, int whiteouts, int opaqueDirs) {
        public Result {
            entries = List.copyOf(entries);
            skipped = List.copyOf(skipped);
        }
    }

    /** One path found, before sorting. */
    private record Found(String path, byte[] sortKey, Path file, EntryType type, Map<String, Object> attrs,
                         boolean marker) {
    }

    private final Path root;
    private final List<Found> found = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private UpperChanges(Path root) {
        this.root = root;
    }

    /**
     * Walks {@code changes} (the {@code upper/} of an upper directory, or a plain directory).
     *
     * @throws IOException when a path cannot be read, or breaks the format (a whiteout that is not an empty file,
     *                     a reserved name that is no whiteout, an overlayfs whiteout, a name that is not UTF-8)
     */
    public static Result scan(Path changes) throws IOException {
        UpperChanges walk = new UpperChanges(changes);
        walk.walk();
        return walk.result();
    }

    private void walk() throws IOException {
        Deque<String> dirs = new ArrayDeque<>();
        dirs.push("");
        while (!dirs.isEmpty()) {
            String dir = dirs.pop();
            Path dirPath = dir.isEmpty() ? root : root.resolve(dir);
            Map<String, Found> children = new HashMap<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dirPath)) {
                for (Path child : stream) {
                    String name = child.getFileName().toString();
                    String path = dir.isEmpty() ? name : dir + "/" + name;
                    if (name.indexOf('\uFFFD') >= 0) {
                        throw new IOException(root.resolve(path) + ": the name is not valid UTF-8, which layers"
                                + " require of names; rename it");
                    }
                    Found f = stat(path, child);
                    if (f != null) {
                        children.put(name, f);
                    }
                }
            }
            for (Found f : resolveWhiteouts(dir, children)) {
                found.add(f);
                if (f.type() == EntryType.DIRECTORY) {
                    dirs.push(f.path());
                }
            }
        }
    }

    /** The path's type and attributes; null for a socket (skipped). */
    private Found stat(String path, Path file) throws IOException {
        Map<String, Object> attrs = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attrs.get("mode");
        EntryType type = switch (mode & 0170000) {
            case 0100000 -> EntryType.FILE;
            case 0040000 -> EntryType.DIRECTORY;
            case 0120000 -> EntryType.SYMLINK;
            case 0020000 -> EntryType.CHAR_DEVICE;
            case 0060000 -> EntryType.BLOCK_DEVICE;
            case 0010000 -> EntryType.FIFO;
            case 0140000 -> null;
            default -> throw new IOException(file + " has an unknown file type (mode " + Integer.toOctalString(mode)
                    + "); remove it before committing");
        };
        if (type == null) {
            LOG.warn("skipped the socket {}: sockets cannot be stored in a layer", path);
            skipped.add(path);
            return null;
        }
        if (type == EntryType.CHAR_DEVICE && (Long) attrs.get("rdev") == 0) {
            throw new IOException(file + " is a character device 0:0, the whiteout of kernel overlayfs: this is not"
                    + " an upper directory in Strata's format, whose deletions are empty .wh.NAME files");
        }
        String name = file.getFileName().toString();
        boolean marker = Whiteouts.isReserved(name);
        if (marker) {
            boolean opaque = name.equals(Whiteouts.OPAQUE);
            if (!opaque && Whiteouts.hiddenBy(name) == null) {
                throw new IOException(file + " has a name reserved by the OCI layer format (" + Whiteouts.PREFIX
                        + "...) but is neither a whiteout nor an opaque marker; rename or remove it");
            }
            if (type != EntryType.FILE || (Long) attrs.get("size") != 0) {
                throw new IOException(file + " is a " + (opaque ? "opaque marker" : "whiteout") + " but "
                        + (type != EntryType.FILE ? "a " + type : "not empty") + ": markers are empty regular files;"
                        + " fix or remove it");
            }
        }
        return new Found(path, path.getBytes(StandardCharsets.UTF_8), file, type, attrs, marker);
    }

    /** The directory's children, each whiteout of a name that is itself present rewritten (see the class comment). */
    private List<Found> resolveWhiteouts(String dir, Map<String, Found> children) {
        List<Found> out = new ArrayList<>();
        for (Found f : children.values()) {
            String name = f.file().getFileName().toString();
            String deleted = f.marker() ? Whiteouts.hiddenBy(name) : null;
            Found replacement = deleted == null ? null : children.get(deleted);
            if (replacement == null) {
                out.add(f);
                continue;
            }
            if (replacement.type() == EntryType.DIRECTORY && !Files.exists(replacement.file().resolve(Whiteouts.OPAQUE),
                    LinkOption.NOFOLLOW_LINKS)) {
                String opaque = replacement.path() + "/" + Whiteouts.OPAQUE;
                out.add(new Found(opaque, opaque.getBytes(StandardCharsets.UTF_8), f.file(), EntryType.FILE, f.attrs(),
                        true));
                LOG.info("{} and {} are both in the upper directory: written as the directory with an opaque marker",
                        f.path(), replacement.path());
            } else {
                LOG.info("{} and {} are both in the upper directory: the whiteout is dropped, {} replaces the lower"
                        + " one", f.path(), replacement.path(), deleted);
            }
        }
        return out;
    }

    private Result result() throws IOException {
        found.sort(Comparator.comparing(Found::sortKey, Arrays::compareUnsigned));
        List<NewEntry> entries = new ArrayList<>(found.size());
        Map<String, String> firstOfInode = new HashMap<>();
        int whiteouts = 0;
        int opaque = 0;
        for (Found f : found) {
            if (f.marker()) {
                boolean isOpaque = f.path().endsWith("/" + Whiteouts.OPAQUE) || f.path().equals(Whiteouts.OPAQUE);
                opaque += isOpaque ? 1 : 0;
                whiteouts += isOpaque ? 0 : 1;
                entries.add(new NewEntry(entry(f, EntryType.FILE, null, Map.of()), null));
                continue;
            }
            Map<String, byte[]> xattrs = Xattrs.read(f.file());
            if (f.type() == EntryType.FILE && (Integer) f.attrs().get("nlink") > 1) {
                String inode = f.attrs().get("dev") + ":" + f.attrs().get("ino");
                String first = firstOfInode.putIfAbsent(inode, f.path());
                if (first != null) {
                    entries.add(new NewEntry(entry(f, EntryType.HARDLINK, first, xattrs), null));
                    continue;
                }
            }
            String target = f.type() == EntryType.SYMLINK ? Files.readSymbolicLink(f.file()).toString() : null;
            Entry e = entry(f, f.type(), target, xattrs);
            Path file = f.file();
            entries.add(new NewEntry(e, e.type() == EntryType.FILE && e.size() > 0
                    ? () -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS) : null));
        }
        return new Result(entries, skipped, whiteouts, opaque);
    }

    private static Entry entry(Found f, EntryType type, String linkTarget, Map<String, byte[]> xattrs) {
        Map<String, Object> a = f.attrs();
        long size = type == EntryType.FILE && !f.marker() ? (Long) a.get("size") : 0;
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        long rdev = (Long) a.get("rdev");
        boolean device = type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE;
        // Linux's dev_t: major in bits 8-19 and 32-63, minor in bits 0-7 and 20-31 (glibc's gnu_dev_major/minor).
        int major = device ? (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)) : 0;
        int minor = device ? (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL)) : 0;
        return new Entry(f.path(), type, (Integer) a.get("mode") & 07777,
                Integer.toUnsignedLong((Integer) a.get("uid")), Integer.toUnsignedLong((Integer) a.get("gid")), size,
                mtime.getEpochSecond(), mtime.getNano(), linkTarget, major, minor, xattrs, 0, size, null);
    }
}
