package io.strata.fs.commit;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Every extended attribute of a path (not following a symlink), values as raw bytes, through libc's
 * {@code llistxattr}/{@code lgetxattr}: Java's {@code UserDefinedFileAttributeView} sees only {@code user.*}, and a
 * layer must carry {@code security.capability} (binary) and {@code trusted.*} too. Two are left out on purpose:
 * {@code security.selinux}, a label of this host's policy that the image's hosts would misread, and
 * {@code trusted.overlay.*}, kernel overlayfs bookkeeping that means nothing inside an image.
 */
final class Xattrs {

    private static final int ERANGE = 34;
    private static final int ENODATA = 61;
    private static final int ENOTSUP = 95;
    private static final int MAX_ATTEMPTS = 8;

    private Xattrs() {
    }

    /** The bound functions; public only because jnr-ffi implements it in a class loader of its own. */
    public interface LibC {
        @SaveError
        @ssize_t long llistxattr(@In byte[] path, @Out byte[] list, @size_t long size);

        @SaveError
        @ssize_t long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, @size_t long size);

        String strerror(int errno);
    }

    /** Name → value of every attribute of {@code path} that a layer should carry (see the class comment). */
    static Map<String, byte[]> read(Path path) throws IOException {
        byte[] cPath = cString(path.toString().getBytes(nativeCharset()));
        Map<String, byte[]> out = new TreeMap<>();
        byte[] list = fetch(path, "list the extended attributes of",
                buffer -> Native.C.llistxattr(cPath, buffer, buffer == null ? 0 : buffer.length));
        if (list == null) {
            return out; // the filesystem has no xattrs at all
        }
        for (int start = 0; start < list.length; ) {
            int end = start;
            while (end < list.length && list[end] != 0) {
                end++;
            }
            byte[] cName = cString(Arrays.copyOfRange(list, start, end));
            String name = new String(list, start, end - start, StandardCharsets.UTF_8);
            start = end + 1;
            if (name.isEmpty() || name.equals("security.selinux") || name.startsWith("trusted.overlay.")) {
                continue;
            }
            byte[] value = fetch(path, "read the extended attribute " + name + " of",
                    buffer -> Native.C.lgetxattr(cPath, cName, buffer, buffer == null ? 0 : buffer.length));
            if (value != null) { // null: removed since it was listed
                out.put(name, value);
            }
        }
        return out;
    }

    /** One libc call into {@code buffer}; a null buffer asks for the size needed. */
    @FunctionalInterface
    private interface Call {
        long apply(byte[] buffer);
    }

    /**
     * Asks for the size, then for the bytes; retries when the value grew in between (ERANGE). Null when there is
     * nothing: the filesystem does not support xattrs, or the attribute vanished.
     */
    private static byte[] fetch(Path path, String what, Call call) throws IOException {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long n = call.apply(null);
            if (n < 0) {
                return failure(path, what, errno());
            }
            byte[] buffer = new byte[(int) n];
            long got = n == 0 ? 0 : call.apply(buffer);
            if (got >= 0) {
                return got == n ? buffer : Arrays.copyOf(buffer, (int) got);
            }
            int errno = errno();
            if (errno != ERANGE) {
                return failure(path, what, errno);
            }
        }
        throw new IOException("cannot " + what + " " + path + ": it keeps changing while being read; stop what"
                + " writes to it and try again");
    }

    private static byte[] failure(Path path, String what, int errno) throws IOException {
        if (errno == ENOTSUP || errno == ENODATA) {
            return null;
        }
        throw new IOException("cannot " + what + " " + path + ": " + Native.C.strerror(errno) + " (errno " + errno
                + ")");
    }

    private static int errno() {
        return Runtime.getRuntime(Native.C).getLastError();
    }

    private static byte[] cString(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** How the JVM encodes file names for the kernel (the one Path itself uses). */
    private static Charset nativeCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    /** Loaded on first use. */
    private static final class Native {
        static final LibC C;

        static {
            try {
                C = LibraryLoader.create(LibC.class).failImmediately().load("c");
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException("cannot bind libc's llistxattr/lgetxattr: " + e.getMessage(), e);
            }
        }

        private Native() {
        }
    }
}
