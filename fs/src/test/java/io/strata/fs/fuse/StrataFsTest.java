package io.strata.fs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** The kernel-facing calling conventions, called directly (no mount): sizes, truncation, errno values. */
class StrataFsTest {

    private final TestTree tree = new TestTree();
    private final StrataFs fs = StrataFs.create(tree, tree.reader());
    private final Pointer buf = Runtime.getSystemRuntime().getMemoryManager().allocateDirect(64);

    @Test
    void getxattr_sizeZero_returnsLength() {
        assertEquals(TestTree.CAPABILITY.length, fs.getxattr("/cap", "security.capability", buf, 0));
    }

    @Test
    void getxattr_bufferTooSmall_erange() {
        assertEquals(-ErrorCodes.ERANGE(), fs.getxattr("/cap", "security.capability", buf, 3));
    }

    @Test
    void getxattr_present_copiesBinaryValue() {
        assertEquals(TestTree.CAPABILITY.length, fs.getxattr("/cap", "security.capability", buf, 64));
        byte[] got = new byte[TestTree.CAPABILITY.length];
        buf.get(0, got, 0, got.length);
        assertArrayEquals(TestTree.CAPABILITY, got);
    }

    @Test
    void getxattr_absent_enodataNotBsdEnoattr() {
        assertEquals(-ErrorCodes.ENODATA(), fs.getxattr("/cap", "user.missing", buf, 64));
        assertEquals(-ErrorCodes.ENOENT(), fs.getxattr("/nope", "user.note", buf, 64));
    }

    @Test
    void listxattr_names_nulSeparated() {
        String expected = "security.capability\0user.note\0";
        assertEquals(expected.length(), fs.listxattr("/cap", buf, 0));
        assertEquals(-ErrorCodes.ERANGE(), fs.listxattr("/cap", buf, 5));
        assertEquals(expected.length(), fs.listxattr("/cap", buf, 64));
        byte[] got = new byte[expected.length()];
        buf.get(0, got, 0, got.length);
        assertEquals(expected, new String(got, StandardCharsets.UTF_8));
    }

    @Test
    void readlink_smallBuffer_truncatesWithNul() {
        assertEquals(0, fs.readlink("/link", buf, 4));
        assertEquals("hel", buf.getString(0));
        assertEquals(-ErrorCodes.EINVAL(), fs.readlink("/hello.txt", buf, 64));
    }

    @Test
    void open_writeOrTruncate_erofs() {
        // struct fuse_file_info is 64 bytes on 64-bit Linux; flags is its first field
        FuseFileInfo fi = FuseFileInfo.of(Runtime.getSystemRuntime().getMemoryManager().allocateDirect(64));
        fi.flags.set(1); // O_WRONLY
        assertEquals(-ErrorCodes.EROFS(), fs.open("/hello.txt", fi));
        fi.flags.set(01000); // O_RDONLY | O_TRUNC
        assertEquals(-ErrorCodes.EROFS(), fs.open("/hello.txt", fi));
        fi.flags.set(0);
        assertEquals(0, fs.open("/hello.txt", fi));
        assertEquals(-ErrorCodes.ENOENT(), fs.open("/nope", fi));
    }

    @Test
    void read_readerThrows_eio() {
        assertEquals(-ErrorCodes.EIO(), fs.read("/broken.bin", buf, 64, 0, null));
    }

    @Test
    void read_pastEnd_zero() {
        assertEquals(0, fs.read("/hello.txt", buf, 64, 100, null));
        assertEquals(5, fs.read("/hello.txt", buf, 64, 7, null));
        assertEquals("orld\n", buf.getString(0, 5, StandardCharsets.UTF_8));
    }

    @Test
    void getattr_device_rdevAsGlibcMakedev() {
        FileStat st = FileStat.of(Runtime.getSystemRuntime().getMemoryManager().allocateDirect(
                Struct.size(new FileStat(Runtime.getSystemRuntime()))));
        assertEquals(0, fs.getattr("/tty", st));
        assertEquals((4 << 8) | 64, st.st_rdev.longValue());
        assertEquals(FileStat.S_IFCHR | 0620, st.st_mode.intValue());
        assertEquals(-ErrorCodes.ENOENT(), fs.getattr("/nope", st));
    }

    @Test
    void makedev_largeNumbers_glibcLayout() {
        // minor bits 0-7 = 0x78, major bits 8-19 = 0x123, minor bits 20-31 = 0x456
        assertEquals(0x45612378L, FileStats.makedev(0x123, 0x45678));
    }

    @Test
    void writeOps_all_erofs() {
        int erofs = -ErrorCodes.EROFS();
        assertEquals(erofs, fs.write("/hello.txt", buf, 1, 0, null));
        assertEquals(erofs, fs.create("/new", 0644, null));
        assertEquals(erofs, fs.mkdir("/d", 0755));
        assertEquals(erofs, fs.mknod("/n", 0644, 0));
        assertEquals(erofs, fs.unlink("/hello.txt"));
        assertEquals(erofs, fs.rmdir("/dir"));
        assertEquals(erofs, fs.rename("/hello.txt", "/x"));
        assertEquals(erofs, fs.symlink("a", "/b"));
        assertEquals(erofs, fs.link("/hello.txt", "/c"));
        assertEquals(erofs, fs.chmod("/hello.txt", 0600));
        assertEquals(erofs, fs.chown("/hello.txt", 1, 1));
        assertEquals(erofs, fs.truncate("/hello.txt", 0));
        assertEquals(erofs, fs.utimens("/hello.txt", null));
        assertEquals(erofs, fs.setxattr("/cap", "user.x", buf, 1, 0));
        assertEquals(erofs, fs.removexattr("/cap", "user.note"));
        assertEquals(erofs, fs.access("/hello.txt", 2));
    }
}
