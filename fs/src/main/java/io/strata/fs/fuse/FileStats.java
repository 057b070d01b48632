package io.strata.fs.fuse;

import io.strata.fetcher.layer.Entry;
import io.strata.fs.union.Node;
import java.nio.charset.StandardCharsets;
import ru.serce.jnrfuse.struct.FileStat;

/** Fills a {@code struct stat} from a node: the only place that knows how an entry looks to {@code stat(2)}. */
public final class FileStats {

    /** What {@code st_blksize} and {@code statfs} report: the page size, the unit the kernel reads in. */
    public static final int BLOCK_SIZE = 4096;

    private FileStats() {
    }

    public static void fill(FileStat st, Node node) {
        Entry e = node.entry();
        int type = typeBits(node);
        long size = size(node);
        st.st_mode.set(type | (e.mode() & 07777));
        st.st_ino.set(node.inode());
        st.st_nlink.set(Math.max(1, node.nlink()));
        st.st_uid.set(e.uid());
        st.st_gid.set(e.gid());
        st.st_size.set(size);
        st.st_rdev.set(type == FileStat.S_IFCHR || type == FileStat.S_IFBLK ? makedev(e.devMajor(), e.devMinor()) : 0L);
        st.st_blksize.set(BLOCK_SIZE);
        // st_blocks counts 512-byte units actually allocated: for a sparse file only its stored data, as du expects.
        long allocated = type == FileStat.S_IFREG && e.isSparse() ? e.storedSize() : size;
        st.st_blocks.set((allocated + 511) / 512);
        for (var ts : new ru.serce.jnrfuse.struct.Timespec[] {st.st_mtim, st.st_atim, st.st_ctim}) {
            ts.tv_sec.set(e.mtimeSeconds());
            ts.tv_nsec.set(e.mtimeNanos());
        }
    }

    /** The {@code S_IFMT} bits of the node's type; a hardlink node carries its target's (regular file) content. */
    public static int typeBits(Node node) {
        return switch (node.entry().type()) {
            case FILE, HARDLINK -> FileStat.S_IFREG;
            case DIRECTORY -> FileStat.S_IFDIR;
            case SYMLINK -> FileStat.S_IFLNK;
            case CHAR_DEVICE -> FileStat.S_IFCHR;
            case BLOCK_DEVICE -> FileStat.S_IFBLK;
            case FIFO -> FileStat.S_IFIFO;
        };
    }

    /** {@code st_size}: content length for files, target length for symlinks (readlink(1) sizes its buffer by it). */
    public static long size(Node node) {
        Entry e = node.entry();
        return switch (node.entry().type()) {
            case FILE, HARDLINK -> e.size();
            case SYMLINK -> e.linkTarget() == null ? 0 : e.linkTarget().getBytes(StandardCharsets.UTF_8).length;
            case DIRECTORY -> BLOCK_SIZE;
            default -> 0;
        };
    }

    /**
     * glibc's {@code makedev}: minor bits 0-7 and 20-31, major bits 8-19 and 32-43. For major and minor below 256
     * and 4096 this is the classic {@code (major << 8) | minor}.
     */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }
}
