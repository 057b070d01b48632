package io.strata.fs.fuse;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fs.union.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hand-built merged tree for FUSE tests, standing in for {@code UnionView}:
 *
 * <pre>
 * /                        0755 root
 * ├── dir/                 0750 uid 1000
 * │   └── nested.txt       "nested\n"
 * ├── hello.txt            "hello world\n", 0644, uid 1000 gid 1001, mtime 1700000000.123456789
 * ├── big.bin              1 MiB pattern (see {@link #bigByte})
 * ├── link -> hello.txt
 * ├── fifo                 FIFO 0644
 * ├── tty                  char device 4,64
 * ├── suid                 04755
 * ├── sticky/              01777
 * ├── hard1, hard2         one inode (nlink 2), "linked\n"
 * ├── cap                  xattrs security.capability (binary) and user.note
 * └── broken.bin           its content reader throws IOException
 * </pre>
 */
public final class TestTree implements MergedTree {

    public static final int BIG_SIZE = 1 << 20;
    public static final byte[] CAPABILITY = {0x01, 0x00, 0x00, 0x02, (byte) 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    public static final long HELLO_MTIME = 1_700_000_000L;
    public static final int HELLO_NANOS = 123_456_789;

    private final Map<String, Node> byPath = new HashMap<>();
    private final Map<Long, byte[]> contents = new HashMap<>();
    private final Node root;
    private long nextInode = 2;

    public TestTree() {
        TreeMap<String, Node> dirChildren = new TreeMap<>();
        dirChildren.put("nested.txt", file("dir/nested.txt", 0644, 0, 0, "nested\n".getBytes(StandardCharsets.UTF_8), Map.of()));
        TreeMap<String, Node> top = new TreeMap<>();
        top.put("dir", new Node(nextInode++, entry("dir", EntryType.DIRECTORY, 0750, 1000, 1000, 0, null, 0, 0, Map.of()),
                0, 2, dirChildren));
        top.put("hello.txt", file("hello.txt", 0644, 1000, 1001, "hello world\n".getBytes(StandardCharsets.UTF_8), Map.of()));
        byte[] big = new byte[BIG_SIZE];
        for (int i = 0; i < big.length; i++) {
            big[i] = bigByte(i);
        }
        top.put("big.bin", file("big.bin", 0644, 0, 0, big, Map.of()));
        top.put("link", leaf(entry("link", EntryType.SYMLINK, 0777, 0, 0, 0, "hello.txt", 0, 0, Map.of())));
        top.put("fifo", leaf(entry("fifo", EntryType.FIFO, 0644, 0, 0, 0, null, 0, 0, Map.of())));
        top.put("tty", leaf(entry("tty", EntryType.CHAR_DEVICE, 0620, 0, 5, 0, null, 4, 64, Map.of())));
        top.put("suid", file("suid", 04755, 0, 0, new byte[0], Map.of()));
        top.put("sticky", new Node(nextInode++, entry("sticky", EntryType.DIRECTORY, 01777, 0, 0, 0, null, 0, 0, Map.of()),
                0, 2, new TreeMap<>()));
        Node hard = new Node(nextInode++, entry("hard1", EntryType.FILE, 0644, 0, 0, 7, null, 0, 0, Map.of()), 0, 2, null);
        contents.put(hard.inode(), "linked\n".getBytes(StandardCharsets.UTF_8));
        top.put("hard1", hard);
        top.put("hard2", hard);
        top.put("cap", file("cap", 0755, 0, 0, "#!/bin/true\n".getBytes(StandardCharsets.UTF_8),
                Map.of("security.capability", CAPABILITY, "user.note", "hi".getBytes(StandardCharsets.UTF_8))));
        top.put("broken.bin", leaf(entry("broken.bin", EntryType.FILE, 0644, 0, 0, 4096, null, 0, 0, Map.of())));
        root = new Node(1, entry("", EntryType.DIRECTORY, 0755, 0, 0, 0, null, 0, 0, Map.of()), 0, 4, top);
        index("", root);
    }

    /** The content of big.bin at {@code offset}: varies within and across 128 KiB requests. */
    public static byte bigByte(int offset) {
        return (byte) (offset * 31 + (offset >>> 17) * 7);
    }

    /** Reads content from the in-memory table; broken.bin fails like a verification error would. */
    public ContentReader reader() {
        return (node, offset, dst, length) -> {
            byte[] data = contents.get(node.inode());
            if (data == null) {
                throw new IOException("digest mismatch for " + node.entry().path() + " (injected)");
            }
            if (offset >= data.length) {
                return 0;
            }
            int n = (int) Math.min(length, data.length - offset);
            System.arraycopy(data, (int) offset, dst, 0, n);
            return n;
        };
    }

    @Override
    public Node root() {
        return root;
    }

    @Override
    public Node lookup(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return byPath.get(p);
    }

    @Override
    public long nodeCount() {
        return new java.util.HashSet<>(byPath.values()).size();
    }

    private void index(String path, Node node) {
        byPath.put(path, node);
        node.children().forEach((name, child) -> index(path.isEmpty() ? name : path + "/" + name, child));
    }

    private Node file(String path, int mode, long uid, long gid, byte[] data, Map<String, byte[]> xattrs) {
        Node node = leaf(entry(path, EntryType.FILE, mode, uid, gid, data.length, null, 0, 0, xattrs));
        contents.put(node.inode(), data);
        return node;
    }

    private Node leaf(Entry e) {
        return new Node(nextInode++, e, 0, 1, null);
    }

    private static Entry entry(String path, EntryType type, int mode, long uid, long gid, long size, String link,
                               int major, int minor, Map<String, byte[]> xattrs) {
        boolean hello = path.equals("hello.txt");
        return new Entry(path, type, mode, uid, gid, size, hello ? HELLO_MTIME : 1_600_000_000L, hello ? HELLO_NANOS : 0,
                link, major, minor, xattrs, 0, size, null);
    }
}
