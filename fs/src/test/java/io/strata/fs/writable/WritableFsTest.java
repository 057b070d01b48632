package io.strata.fs.writable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.fs.fuse.TestTree;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FuseOperations;

/** The FUSE adapter called directly (no mount): libfuse's conventions and errno values. */
class WritableFsTest {

    @TempDir
    Path tmp;

    @Test
    void flagsOffset_matchesJnrFuseLayoutOfFuseOperations() throws Exception {
        FuseOperations ops = new FuseOperations(Runtime.getSystemRuntime());
        // jnr-fuse's own (protected) view of where the flag bits start.
        Method offset = Class.forName("jnr.ffi.Struct$AbstractMember").getDeclaredMethod("offset");
        offset.setAccessible(true);
        assertEquals(WritableFs.flagsOffset(), (long) offset.invoke(ops.flag_nullpath_ok));
    }

    @Test
    void readdirAndXattrs_whiteoutsHiddenUpperValuesByTheSizeProtocol() throws Exception {
        TestTree lower = new TestTree();
        try (UpperDirectory upper = UpperDirectory.open(tmp.resolve("c"), "t", UpperDirectoryTest.MANIFEST)) {
            WritableFs fs = WritableFs.create(lower, lower.reader(), upper);
            assertEquals(0, fs.unlink("/hello.txt"));
            assertEquals(-ErrorCodes.ENOENT(), fs.unlink("/hello.txt"));
            List<String> names = new ArrayList<>();
            FuseFillDir filler = (buf, name, stbuf, off) -> {
                byte[] bytes = new byte[name.remaining() - 1]; // NUL-terminated
                name.get(bytes);
                names.add(new String(bytes, StandardCharsets.UTF_8));
                return 0;
            };
            assertEquals(0, fs.readdir("/", null, filler, 0, null));
            assertEquals(List.of(".", "..", "big.bin", "broken.bin", "cap", "dir", "fifo", "hard1", "hard2", "link",
                    "sticky", "suid", "tty"), names);

            Pointer value = Memory.allocateDirect(Runtime.getSystemRuntime(), 64);
            value.put(0, new byte[] {1, 0, 2}, 0, 3);
            assertEquals(0, fs.setxattr("/cap", "user.bin", value, 3, 0)); // copies cap up
            assertEquals(3, fs.getxattr("/cap", "user.bin", value, 0));
            assertEquals(-ErrorCodes.ERANGE(), fs.getxattr("/cap", "user.bin", value, 2));
            assertEquals(-ErrorCodes.ENODATA(), fs.getxattr("/cap", "user.none", value, 64));
            assertEquals(-ErrorCodes.EINVAL(), fs.mkdir("/.wh.x", 0755));
            assertEquals(-ErrorCodes.EXDEV(), fs.rename("/dir", "/dir2"));
        }
    }
}
