package io.strata.fs.writable;

import io.strata.fs.fuse.ContentReader;
import io.strata.fs.fuse.TestTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Runtime;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * An overlay of an upper directory in a temp dir over {@link TestTree}, driven without FUSE; {@link #remount()}
 * closes it and opens the same upper directory again, as an unmount and mount would.
 */
final class Fixture implements AutoCloseable {

    final TestTree lower = new TestTree();
    final Path dir;
    /** Bytes the overlay read from the lower layers (copy-ups). */
    final AtomicLong lowerBytesRead = new AtomicLong();
    private UpperDirectory upper;
    Overlay overlay;

    Fixture(Path dir) throws IOException {
        this.dir = dir;
        open();
    }

    private void open() throws IOException {
        upper = UpperDirectory.open(dir, "test:v1", UpperDirectoryTest.MANIFEST);
        ContentReader counting = (node, offset, dst, length) -> {
            int n = lower.reader().read(node, offset, dst, length);
            lowerBytesRead.addAndGet(Math.max(0, n));
            return n;
        };
        overlay = Overlay.open(lower, counting, upper);
    }

    void remount() throws IOException {
        upper.close();
        open();
    }

    Namespace ns() {
        return overlay.namespace();
    }

    /** The host path of {@code rel} in {@code upper/}. */
    Path upper(String rel) {
        return dir.resolve("upper").resolve(rel);
    }

    FileStat stat(String path) throws IOException {
        FileStat st = new FileStat(Runtime.getSystemRuntime());
        overlay.stat(path, st);
        return st;
    }

    /** The names of the directory {@code path} as listed (without "." and ".."). */
    List<String> list(String path) throws IOException {
        List<String> names = new ArrayList<>();
        overlay.list(path, new FileStat(Runtime.getSystemRuntime()), (name, st) -> {
            if (!name.equals(".") && !name.equals("..")) {
                names.add(name);
            }
            return true;
        });
        return names;
    }

    /** Every path of the merged tree with type, mode, owner, size, mtime and inode, one line each. */
    List<String> walk() throws IOException {
        List<String> out = new ArrayList<>();
        walk("", out);
        return out;
    }

    private void walk(String path, List<String> out) throws IOException {
        FileStat st = stat(path);
        out.add("/" + path + " " + Integer.toOctalString(st.st_mode.intValue()) + " " + st.st_uid.get() + ":"
                + st.st_gid.get() + " size=" + ((st.st_mode.intValue() & FileStat.S_IFMT) == FileStat.S_IFDIR ? "-"
                : st.st_size.longValue()) + " mtime=" + st.st_mtim.tv_sec.get() + " ino=" + st.st_ino.longValue());
        if ((st.st_mode.intValue() & FileStat.S_IFMT) == FileStat.S_IFDIR) {
            for (String name : list(path)) {
                walk(path.isEmpty() ? name : path + "/" + name, out);
            }
        }
    }

    @Override
    public void close() {
        upper.close();
    }
}
