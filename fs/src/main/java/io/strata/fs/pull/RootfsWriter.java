package io.strata.fs.pull;

import io.strata.fetcher.layer.Entry;
import io.strata.fs.posix.Posix;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the merged tree of a {@link UnionView} into an empty directory: every visible path once, with the content
 * of the layer that wins it, copied in the kernel from that layer's uncompressed tar. The layer rules (whiteouts,
 * opaque directories, replacement, hardlinks) are the union's ({@code TreeBuilder}); this class only writes what
 * the union shows, so a whiteout never reaches the disk and a file overwritten by a later layer is never written.
 *
 * <p>Containment: each node is created with a {@code *at} call naming <em>one</em> component in the descriptor of
 * its parent directory, which this writer created itself and opened with {@code O_NOFOLLOW}; symlinks are created
 * but never walked, so no entry of any layer can make a write land outside the root. (The union has already
 * refused {@code ..}, empty and NUL components, and never resolves a path through a symlink.)
 *
 * <p>Metadata order per node, because the kernel undoes some of it: content, then owner ({@code chown} clears
 * setuid/setgid and {@code security.capability}), then mode, then extended attributes, then mtime; a directory's
 * metadata (and so its mtime) is set after all of its children exist. Directories are 0700 until then, so that a
 * read-only directory of the image does not stop its own children from being created.
 *
 * <p>Iterative (a hostile layer may nest deeper than the Java stack); one open descriptor per directory level.
 * Not thread-safe.
 */
final class RootfsWriter {

    /** What was written. */
    record Written(long nodes, long contentBytes) {
    }

    private final int[] tarFds;
    private final String rootName;
    /** Whether new files are already 0:0 (this process is root), so that owner 0:0 needs no call. */
    private final boolean rootOwned;
    /** The first path of each hardlink group written so far, relative to the root. */
    private final Map<Node, String> firstLink = new IdentityHashMap<>();
    private int rootFd = -1;
    private long nodes;
    private long bytes;

    /**
     * @param tarFds   open descriptors of each layer's uncompressed tar, bottom layer first (the union's numbering)
     * @param rootName the root as messages name it
     */
    private RootfsWriter(int[] tarFds, String rootName) {
        this.tarFds = tarFds;
        this.rootName = rootName;
        this.rootOwned = Posix.isRoot();
    }

    /**
     * Writes {@code view} into the existing, empty directory {@code root}, reading content from {@code layerTars}
     * (one uncompressed tar per layer of the view, bottom first, whose entries' content offsets the view's nodes
     * carry). On failure the directory holds part of the tree: the caller removes it.
     */
    static Written write(UnionView view, List<Path> layerTars, Path root) throws IOException {
        if (layerTars.size() != view.layerCount()) {
            throw new IllegalArgumentException(view.layerCount() + " layers merged but " + layerTars.size() + " tars given");
        }
        int[] fds = new int[layerTars.size()];
        Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < fds.length; i++) {
                fds[i] = Posix.openRead(layerTars.get(i).toString());
            }
            RootfsWriter writer = new RootfsWriter(fds, root.toString());
            writer.writeTree(view.root(), root);
            return new Written(writer.nodes, writer.bytes);
        } finally {
            for (int fd : fds) {
                Posix.closeQuietly(fd);
            }
        }
    }

    /** A directory being filled: its descriptor stays open until its own metadata is set. */
    private static final class Frame {
        final Node node;
        final int fd;
        final String path;
        final Iterator<Map.Entry<String, Node>> children;

        Frame(Node node, int fd, String path) {
            this.node = node;
            this.fd = fd;
            this.path = path;
            this.children = node.children().entrySet().iterator();
        }
    }

    private void writeTree(Node root, Path dir) throws IOException {
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        rootFd = Posix.openDirectory(dir.toString());
        stack.push(new Frame(root, rootFd, ""));
        try {
            while (!stack.isEmpty()) {
                Frame top = stack.peek();
                if (!top.children.hasNext()) {
                    stack.pop();
                    finishDirectory(top);
                    continue;
                }
                Map.Entry<String, Node> child = top.children.next();
                String name = child.getKey();
                Node node = child.getValue();
                String path = top.path.isEmpty() ? name : top.path + "/" + name;
                nodes++;
                if (node.isDirectory()) {
                    Posix.mkdirat(top.fd, name, 0700, where(path));
                    stack.push(new Frame(node, Posix.openDirectoryAt(top.fd, name, where(path)), path));
                } else if (node.nlink() > 1 && firstLink.containsKey(node)) {
                    Posix.linkat(rootFd, firstLink.get(node), top.fd, name, where(path));
                } else {
                    writeLeaf(top.fd, name, node, path);
                    if (node.nlink() > 1) {
                        firstLink.put(node, path);
                    }
                }
            }
        } finally {
            while (!stack.isEmpty()) {
                Posix.closeQuietly(stack.pop().fd); // after a failure: the root's descriptor is at the bottom
            }
        }
    }

    /** Owner, mode, attributes and time of a directory whose children are all written, then its descriptor closed. */
    private void finishDirectory(Frame dir) throws IOException {
        Entry e = dir.node.entry();
        String what = where(dir.path);
        try {
            chown(dir.fd, e, what);
            Posix.fchmod(dir.fd, e.mode(), what);
            for (var x : e.xattrs().entrySet()) {
                Posix.fsetxattr(dir.fd, x.getKey(), x.getValue(), what);
            }
            Posix.futimens(dir.fd, e.mtimeSeconds(), e.mtimeNanos(), what);
        } finally {
            Posix.close(dir.fd);
        }
    }

    private void writeLeaf(int parent, String name, Node node, String path) throws IOException {
        Entry e = node.entry();
        String what = where(path);
        switch (e.type()) {
            case FILE -> writeFile(parent, name, node, what);
            case SYMLINK -> {
                Posix.symlinkat(e.linkTarget(), parent, name, what);
                finishByName(parent, name, e, false, what);
            }
            case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
                int type = switch (e.type()) {
                    case CHAR_DEVICE -> Posix.S_IFCHR;
                    case BLOCK_DEVICE -> Posix.S_IFBLK;
                    default -> Posix.S_IFIFO;
                };
                Posix.mknodat(parent, name, type, 0600, e.devMajor(), e.devMinor(), what);
                finishByName(parent, name, e, true, what);
            }
            // The union resolves every hardlink to its target's node; anything else here is a bug, not bad input.
            case HARDLINK, DIRECTORY -> throw new IllegalStateException("unexpected " + e.type() + " node at " + what);
        }
    }

    private void writeFile(int parent, String name, Node node, String what) throws IOException {
        Entry e = node.entry();
        int fd = Posix.createFile(parent, name, what);
        try {
            int tar = tarFds[node.layer()];
            if (e.isSparse()) {
                Posix.ftruncate(fd, e.size(), what); // the holes, including one at the end
                long[] map = e.sparseMap();
                long stored = e.contentOffset();
                for (int i = 0; i < map.length; i += 2) {
                    Posix.copy(tar, stored, fd, map[i], map[i + 1], what);
                    stored += map[i + 1];
                }
            } else if (e.size() > 0) {
                Posix.copy(tar, e.contentOffset(), fd, 0, e.size(), what);
            }
            bytes += e.storedSize();
            chown(fd, e, what);
            Posix.fchmod(fd, e.mode(), what);
            for (var x : e.xattrs().entrySet()) {
                Posix.fsetxattr(fd, x.getKey(), x.getValue(), what);
            }
            Posix.futimens(fd, e.mtimeSeconds(), e.mtimeNanos(), what);
        } finally {
            Posix.close(fd);
        }
    }

    /** Metadata of a symlink, device or fifo, which cannot be opened for it: by name, never following it. */
    private void finishByName(int parent, String name, Entry e, boolean hasMode, String what) throws IOException {
        if (needsOwner(e)) {
            Posix.lchownat(parent, name, e.uid(), e.gid(), what);
        }
        if (hasMode) {
            Posix.fchmodat(parent, name, e.mode(), what); // a device node or fifo we just made: nothing to follow
        }
        for (var x : e.xattrs().entrySet()) {
            Posix.lsetxattrat(parent, name, x.getKey(), x.getValue(), what);
        }
        Posix.lutimensat(parent, name, e.mtimeSeconds(), e.mtimeNanos(), what);
    }

    private void chown(int fd, Entry e, String what) throws IOException {
        if (needsOwner(e)) {
            Posix.fchown(fd, e.uid(), e.gid(), what);
        }
    }

    /** Root creates everything as 0:0 (directories are 0700 until finished: no setgid parent to inherit from). */
    private boolean needsOwner(Entry e) {
        return !(rootOwned && e.uid() == 0 && e.gid() == 0);
    }

    private String where(String path) {
        return path.isEmpty() ? rootName : rootName + "/" + path;
    }
}
