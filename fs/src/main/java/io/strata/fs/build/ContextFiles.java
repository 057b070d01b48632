package io.strata.fs.build;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.EntryType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of the build context a COPY takes. A source is relative to the context ({@code /x} too, as in Docker);
 * {@code *}, {@code ?} and {@code [...]} match within one path component (no {@code **}); a source whose path, or
 * whose real path once symlinks are followed, leaves the context is refused. A directory source stands for its
 * content, walked recursively, symlinks inside it copied as symlinks. Only directories, regular files and symlinks
 * can be copied; {@code .dockerignore} is not read.
 */
final class ContextFiles {

    /** One file to copy. {@code relative} is its path below the source ({@code ""} for the source itself). */
    record Item(String relative, Path file, EntryType type, int mode, long size, long mtimeSeconds,
                String linkTarget) {
    }

    /**
     * One matched source: what it is in the context and the files it stands for.
     *
     * @param name  the source's path relative to the context (for messages and the cache key)
     * @param items the source itself first ({@code relative} = ""), then, for a directory, everything below it
     *              sorted by path
     */
    record Source(String name, List<Item> items) {
        boolean isDirectory() {
            return items.get(0).type() == EntryType.DIRECTORY;
        }
    }

    private final Path context;

    /** @param context the build context directory (its real path is used) */
    ContextFiles(Path context) throws IOException {
        if (!Files.isDirectory(context)) {
            throw new IOException("the build context " + context + " is not a directory");
        }
        this.context = context.toRealPath();
    }

    Path root() {
        return context;
    }

    /**
     * The sources matching the patterns, in order (each pattern's matches sorted by name).
     *
     * @throws IllegalArgumentException when a pattern leaves the context or matches nothing
     */
    List<Source> resolve(List<String> patterns) throws IOException {
        List<Source> out = new ArrayList<>();
        for (String pattern : patterns) {
            List<String> parts = normalize(pattern);
            List<Path> matches = match(parts);
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("COPY source '" + pattern + "' matches nothing in the build context "
                        + context);
            }
            for (Path match : matches) {
                out.add(source(pattern, match));
            }
        }
        return out;
    }

    /** The pattern's components, {@code .} and {@code ..} resolved lexically, refusing to leave the context. */
    private List<String> normalize(String pattern) {
        List<String> parts = new ArrayList<>();
        for (String c : pattern.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    throw new IllegalArgumentException("COPY source '" + pattern + "' is outside the build context "
                            + context + ": only files below it can be copied");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(c);
        }
        return parts;
    }

    /** The paths matching {@code parts}, a glob component matched against one directory level each. */
    private List<Path> match(List<String> parts) throws IOException {
        List<Path> current = List.of(context);
        for (String part : parts) {
            List<Path> next = new ArrayList<>();
            boolean glob = part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
            for (Path dir : current) {
                if (!glob) {
                    Path p = dir.resolve(part);
                    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        next.add(p);
                    }
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + part);
                List<Path> found = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(inside(dir))) {
                    for (Path e : entries) {
                        if (matcher.matches(e.getFileName())) {
                            found.add(dir.resolve(e.getFileName().toString()));
                        }
                    }
                }
                found.sort(null);
                next.addAll(found);
            }
            current = next;
        }
        return current;
    }

    /** {@code path} with symlinks followed, refused unless it stays in the context. */
    private Path inside(Path path) throws IOException {
        Path real = path.toRealPath();
        if (!real.startsWith(context)) {
            throw new IllegalArgumentException("COPY source " + context.relativize(path) + " leads to " + real
                    + " (through a symlink), outside the build context " + context);
        }
        return real;
    }

    private Source source(String pattern, Path match) throws IOException {
        String name = context.relativize(match).toString();
        if (!Files.exists(match)) {
            throw new IllegalArgumentException("COPY source '" + pattern + "': " + name + " is a dangling symlink");
        }
        Path real = inside(match); // the source itself is followed (Docker does); what is below it is not
        List<Item> items = new ArrayList<>();
        items.add(item("", real));
        if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            walk(real, "", items);
        }
        return new Source(name.isEmpty() ? "." : name, items);
    }

    private void walk(Path dir, String relative, List<Item> out) throws IOException {
        Map<String, Path> children = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                children.put(e.getFileName().toString(), e);
            }
        }
        for (Map.Entry<String, Path> child : children.entrySet()) {
            String rel = relative.isEmpty() ? child.getKey() : relative + "/" + child.getKey();
            Item item = item(rel, child.getValue());
            out.add(item);
            if (item.type() == EntryType.DIRECTORY) {
                walk(child.getValue(), rel, out);
            }
        }
    }

    private Item item(String relative, Path file) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        long mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
        EntryType type = switch (mode & 0170000) {
            case 0100000 -> EntryType.FILE;
            case 0040000 -> EntryType.DIRECTORY;
            case 0120000 -> EntryType.SYMLINK;
            default -> throw new IllegalArgumentException("COPY: " + context.relativize(file) + " in the build context"
                    + " is a device, fifo or socket, which COPY does not copy; move it out of the context");
        };
        String target = type == EntryType.SYMLINK ? Files.readSymbolicLink(file).toString() : null;
        long size = type == EntryType.FILE ? (Long) a.get("size") : 0;
        return new Item(relative, file, type, mode & 07777, size, mtime, target);
    }

    /**
     * A digest of everything a COPY of {@code sources} writes from the context: per source its name, then per file
     * its path, type, mode, size, mtime (whole seconds, as the layer keeps it), symlink target and content's sha256.
     * Owners are left out: COPY sets them (root, or {@code --chown}).
     */
    static String digest(List<Source> sources) throws IOException {
        MessageDigest all = sha256();
        for (Source s : sources) {
            update(all, "source " + s.name() + "\n");
            for (Item i : s.items()) {
                update(all, i.relative() + "\0" + i.type() + "\0" + Integer.toOctalString(i.mode()) + "\0" + i.size()
                        + "\0" + i.mtimeSeconds() + "\0" + (i.linkTarget() == null ? "" : i.linkTarget()) + "\0"
                        + (i.type() == EntryType.FILE ? contentDigest(i.file()) : "") + "\n");
            }
        }
        return "sha256:" + HexFormat.of().formatHex(all.digest());
    }

    private static String contentDigest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return Digest.sha256(in).hex();
        }
    }

    private static void update(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        return Digest.newSha256();
    }
}
