package io.strata.cache.chunk;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads large chunk files with {@code O_DIRECT}: the disk writes into an aligned buffer of ours and one copy puts
 * the bytes into the chunk's array. A buffered read costs a page-cache fill plus two copies (into a temporary
 * direct buffer, then the array); measured on a cold sequential read of 4 MiB chunks on the 2-core machine, the
 * read-ahead threads spent 0.5 s of CPU per 512 MiB that way, which capped the read. The page cache gains nothing
 * from keeping chunk files: the memory tier and the kernel's cache of the mounted file already hold what is read.
 *
 * <p>Where the filesystem refuses {@code O_DIRECT} (tmpfs), {@link #read} says so once and callers read normally.
 */
final class DirectReads {

    private static final Logger LOG = LoggerFactory.getLogger(DirectReads.class);
    private static final int ALIGN = 4096;
    /** Buffers kept for reuse; more concurrent readers allocate and drop their own. */
    private static final int POOLED = 8;
    private static final ConcurrentLinkedDeque<ByteBuffer> BUFFERS = new ConcurrentLinkedDeque<>();
    private static volatile boolean unsupported;

    private DirectReads() {
    }

    /**
     * Fills {@code payload} and then {@code trailer} from the file of {@code size} bytes at {@code path}.
     *
     * @return false if {@code O_DIRECT} is not available here (nothing was read)
     * @throws IOException if the file is missing, unreadable or shorter than {@code size}
     */
    static boolean read(Path path, long size, byte[] payload, ByteBuffer trailer) throws IOException {
        ByteBuffer buf = BUFFERS.pollFirst();
        if (buf == null || buf.capacity() < roundUp(size)) {
            buf = allocateAligned(size);
        }
        try {
            if (!readInto(path, size, buf)) {
                return false;
            }
            buf.get(payload);
            trailer.put(buf.limit(buf.position() + trailer.remaining()));
            return true;
        } finally {
            if (BUFFERS.size() < POOLED) {
                BUFFERS.offerFirst(buf);
            }
        }
    }

    /**
     * Reads the file of {@code size} bytes at {@code path} into {@code aligned} (from {@link #allocateAligned}, with
     * room for {@code size} rounded up to 4 KiB), which is left holding the file from position 0 to its limit.
     *
     * @return false if {@code O_DIRECT} is not available here (nothing was read)
     * @throws IOException if the file is missing, unreadable or shorter than {@code size}
     */
    static boolean readInto(Path path, long size, ByteBuffer aligned) throws IOException {
        if (unsupported) {
            return false;
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw (java.nio.file.NoSuchFileException) e;
            }
            unsupported = true;
            LOG.debug("chunk files are read through the page cache: O_DIRECT refused ({})", e.toString());
            return false;
        }
        try (ch) {
            aligned.clear().limit(roundUp(size));
            while (aligned.position() < size) {
                if (ch.read(aligned) <= 0) { // a direct read at the end returns what is left, then -1
                    throw new ChunkFiles.CorruptChunkException(path, "shorter than its size " + size + " while reading");
                }
            }
            aligned.flip();
            if (aligned.limit() != size) {
                throw new ChunkFiles.CorruptChunkException(path, "longer than its size " + size + " while reading");
            }
            return true;
        }
    }

    /** A direct buffer whose address is 4 KiB-aligned, with room for {@code size} bytes rounded up to 4 KiB. */
    static ByteBuffer allocateAligned(long size) {
        return ByteBuffer.allocateDirect(roundUp(size) + ALIGN).alignedSlice(ALIGN);
    }

    private static int roundUp(long size) {
        return (int) ((size + ALIGN - 1) & -ALIGN);
    }
}
