package io.strata.fs.build;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries of the layer a COPY makes, straight from the context's files (no mount): each file at its place under
 * the destination, with its mode and mtime, owned by root or {@code --chown}, and every directory above it, so that
 * the layer means the same to every tool that applies it (a missing parent would be made 0755 root, "now", by one
 * extractor and taken from the layer below by another).
 *
 * <p>Destination rules (Docker's): a destination ending in {@code /}, several sources, a directory source, or a
 * destination that is a directory in the image means "into this directory"; otherwise the single file is written at
 * the destination path. Paths are resolved in the image as a chrooted process would (see {@link RootPaths}), so
 * {@code COPY tool /bin/} writes {@code usr/bin/tool} when {@code /bin} is a symlink to {@code usr/bin}. Directories
 * of the image on the way keep their metadata; new ones are 0755, owned like the files, with the given mtime; a
 * directory copied onto a new path takes the source directory's mode and mtime.
 */
final class CopyLayer {

    private final UnionView lower;
    private final Owners.Owner owner;
    private final long newDirMtime;
    private final Map<String, NewEntry> entries = new TreeMap<>(CopyLayer::compareBytes);

    private CopyLayer(UnionView lower, Owners.Owner owner, long newDirMtime) {
        this.lower = lower;
        this.owner = owner;
        this.newDirMtime = newDirMtime;
    }

    /**
     * The layer's entries, sorted by path bytes.
     *
     * @param lower       the image the layer goes on
     * @param dest        the absolute destination, as written (a trailing {@code /} means a directory)
     * @param newDirMtime mtime of directories the copy has to create
     * @throws IllegalArgumentException when the destination cannot receive the sources
     */
    static List<NewEntry> entries(UnionView lower, List<ContextFiles.Source> sources, String dest, Owners.Owner owner,
                                  long newDirMtime) {
        CopyLayer layer = new CopyLayer(lower, owner, newDirMtime);
        layer.copy(sources, dest);
        layer.addParents();
        return new ArrayList<>(layer.entries.values());
    }

    private void copy(List<ContextFiles.Source> sources, String dest) {
        RootPaths.Resolved d = RootPaths.resolve(lower, dest, true);
        if (sources.size() > 1 && !dest.endsWith("/") && !d.isDirectory()) {
            throw new IllegalArgumentException("COPY of several sources needs a directory as destination: end "
                    + dest + " with /");
        }
        boolean intoDirectory = dest.endsWith("/") || sources.size() > 1 || sources.get(0).isDirectory()
                || d.isDirectory();
        if (intoDirectory && d.node() != null && !d.isDirectory()) {
            throw new IllegalArgumentException("COPY destination " + dest + " is a " + d.node().entry().type()
                    + " in the image, not a directory");
        }
        for (ContextFiles.Source source : sources) {
            for (ContextFiles.Item item : source.items()) {
                String target;
                if (!item.relative().isEmpty()) {
                    target = join(d.path(), item.relative());
                } else if (source.isDirectory()) {
                    target = d.path(); // the destination directory itself
                } else {
                    target = intoDirectory ? join(d.path(), lastComponent(source.name())) : d.path();
                }
                place(target, item, source);
            }
        }
    }

    /** Puts {@code item} at {@code target}, its parent resolved in the image. */
    private void place(String target, ContextFiles.Item item, ContextFiles.Source source) {
        if (target.isEmpty()) {
            return; // the root's metadata belongs to the image, not to a COPY
        }
        int slash = target.lastIndexOf('/');
        String parent = RootPaths.resolve(lower, slash < 0 ? "" : target.substring(0, slash), true).path();
        String path = join(parent, target.substring(slash + 1));
        if (item.type() == EntryType.DIRECTORY) {
            Node there = lower.lookup(path);
            if (there != null && there.entry().type() == EntryType.SYMLINK) {
                if (!RootPaths.resolve(lower, path, true).isDirectory()) {
                    throw new IllegalArgumentException("COPY " + source.name() + ": /" + path + " is a symlink in the"
                            + " image that does not lead to a directory; a directory cannot be copied there");
                }
                return; // the image's symlink to a directory stays; what is below goes through it
            }
            if (there != null && there.isDirectory() && item.relative().isEmpty()) {
                return; // the existing destination directory keeps its metadata (added as a parent)
            }
        }
        Entry e = new Entry(path, item.type(), item.mode(), owner.uid(), owner.gid(), item.size(), item.mtimeSeconds(),
                0, item.linkTarget(), 0, 0, Map.of(), 0, item.size(), null);
        Path file = item.file();
        entries.put(path, new NewEntry(e, item.type() == EntryType.FILE && item.size() > 0
                ? () -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS) : null));
    }

    /** Every directory above an entry: the image's (its metadata) or a new one. */
    private void addParents() {
        for (String path : new ArrayList<>(entries.keySet())) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String dir = path.substring(0, slash);
                if (entries.containsKey(dir)) {
                    continue;
                }
                Node node = lower.lookup(dir);
                Entry e = node != null && node.isDirectory()
                        ? withPath(node.entry(), dir)
                        : new Entry(dir, EntryType.DIRECTORY, 0755, owner.uid(), owner.gid(), 0, newDirMtime, 0, null,
                                0, 0, Map.of(), 0, 0, null);
                entries.put(dir, new NewEntry(e, null));
            }
        }
    }

    private static Entry withPath(Entry e, String path) {
        return new Entry(path, EntryType.DIRECTORY, e.mode(), e.uid(), e.gid(), 0, e.mtimeSeconds(), e.mtimeNanos(),
                null, 0, 0, e.xattrs(), 0, 0, null);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static String lastComponent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
