package io.strata.fs.fuse;

import io.strata.fs.union.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * libfuse 2's calling conventions for answers built from bytes and nodes, shared by every filesystem of this
 * module: directory entries, the xattr size protocol, readlink's NUL-terminated buffer, reads of a node's content.
 */
public final class FuseReplies {

    /** libfuse asks for at most this much per read (max_read, 128 KiB). */
    private static final int READ_BUFFER = 128 * 1024;
    /**
     * Read buffers, shared by all threads. Not a {@code ThreadLocal}: jffi attaches libfuse's worker thread to the JVM
     * for each callback and detaches it after, so a thread-local buffer was allocated again on almost every read
     * (a third of the mount's Java samples during a cold sequential read, in a JFR recording of strata bench warm).
     */
    private static final ConcurrentLinkedDeque<byte[]> READ_BUFFERS = new ConcurrentLinkedDeque<>();
    private static final int POOLED_BUFFERS = 64;
    private static final AtomicInteger POOLED = new AtomicInteger();

    private FuseReplies() {
    }

    /**
     * Adds one directory entry; the name is passed NUL-terminated in UTF-8 (jnr-fuse's String overload omits the
     * NUL). Returns non-zero when libfuse's buffer is full.
     */
    public static int addDirEntry(FuseFillDir filler, Pointer buf, String name, FileStat st) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer cName = ByteBuffer.allocate(utf8.length + 1).put(utf8).put((byte) 0).flip();
        return filler.apply(buf, cName, st == null ? null : Struct.getMemory(st), 0);
    }

    /** The xattr calling convention: size 0 asks for the length, a too-small buffer is ERANGE. */
    public static int copyOut(byte[] bytes, Pointer dst, long size) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            return -ErrorCodes.ERANGE();
        }
        dst.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    /** {@code listxattr}'s answer: the names, each NUL-terminated, under the same size convention. */
    public static int copyOutNames(Collection<String> names, Pointer dst, long size) {
        ByteBuffer out = ByteBuffer.allocate(names.stream().mapToInt(n -> n.getBytes(StandardCharsets.UTF_8).length + 1).sum());
        for (String name : names) {
            out.put(name.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        return copyOut(out.array(), dst, size);
    }

    /** libfuse 2's readlink: a NUL-terminated string, truncated to fit the buffer. */
    public static int readlink(String target, Pointer buf, long size) {
        if (size <= 0) {
            return -ErrorCodes.EINVAL();
        }
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(bytes.length, size - 1);
        buf.put(0, bytes, 0, n);
        buf.putByte(n, (byte) 0);
        return 0;
    }

    /**
     * Reads up to {@code size} bytes of {@code node}'s content at {@code offset} into {@code buf}; returns the count
     * (0 at or past the end) or a negative errno for a bad request.
     *
     * @throws IOException when the content cannot be produced (the caller answers EIO)
     */
    public static int readNode(ContentReader content, Node node, Pointer buf, long size, long offset) throws IOException {
        if (node.isDirectory()) {
            return -ErrorCodes.EISDIR();
        }
        if (offset < 0 || size < 0) {
            return -ErrorCodes.EINVAL();
        }
        long fileSize = FileStats.size(node);
        if (offset >= fileSize || size == 0) {
            return 0;
        }
        int length = (int) Math.min(Math.min(size, fileSize - offset), Integer.MAX_VALUE - 8);
        byte[] bytes = length <= READ_BUFFER ? READ_BUFFERS.pollFirst() : null;
        if (bytes == null) {
            bytes = new byte[Math.max(length, READ_BUFFER)];
        } else {
            POOLED.decrementAndGet();
        }
        try {
            int n = content.read(node, offset, bytes, length);
            if (n < 0 || n > length) {
                throw new IOException("content reader returned " + n + " bytes for a read of " + length);
            }
            buf.put(0, bytes, 0, n);
            return n;
        } finally {
            if (bytes.length == READ_BUFFER && POOLED.incrementAndGet() <= POOLED_BUFFERS) {
                READ_BUFFERS.offerFirst(bytes);
            } else if (bytes.length == READ_BUFFER) {
                POOLED.decrementAndGet();
            }
        }
    }
}
