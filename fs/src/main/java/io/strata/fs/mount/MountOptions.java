package io.strata.fs.mount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link FuseMount} mounts: immutable, built from {@link #defaults()} with the {@code with*} methods.
 *
 * @param allowOther   let users other than the mounting one see the files ({@code -o allow_other}); the kernel
 *                     still checks each file's mode bits ({@code default_permissions})
 * @param debug        libfuse's request trace on stderr ({@code -d})
 * @param readyTimeout how long {@link FuseMount#mount} waits for the kernel to connect
 * @param writable     a writable mount ({@code io.strata.fs.writable}): no {@code ro}, and kernel caching that
 *                     stays coherent while files change
 */
public record MountOptions(boolean allowOther, boolean debug, Duration readyTimeout, boolean writable) {

    /** Layers never change, so the kernel may cache names, attributes and misses for an hour. */
    static final int CACHE_SECONDS = 3600;
    /**
     * Attribute timeout of a writable mount: libfuse's default. Every change goes through the mount and the kernel
     * refreshes the attributes of the file it changes, but libfuse 2's path API gives each name of a hardlinked file
     * its own kernel inode: after a change through one name, {@code stat} of another name may show the old link
     * count, size or times for up to this long (its content is re-read on open: {@code auto_cache}). 0 would close
     * that gap at a price measured on a 6,768-file Debian tree: {@code ls -lR} 4.5-5 s instead of 0.4-0.5 s,
     * because every FUSE request from a libfuse thread attaches it to the JVM and detaches it again (jffi).
     */
    static final int WRITABLE_ATTR_SECONDS = 1;

    public MountOptions {
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout must be positive, got " + readyTimeout);
        }
    }

    public static MountOptions defaults() {
        return new MountOptions(false, false, Duration.ofSeconds(30), false);
    }

    public MountOptions withAllowOther(boolean allow) {
        return new MountOptions(allow, debug, readyTimeout, writable);
    }

    public MountOptions withDebug(boolean on) {
        return new MountOptions(allowOther, on, readyTimeout, writable);
    }

    public MountOptions withReadyTimeout(Duration timeout) {
        return new MountOptions(allowOther, debug, timeout, writable);
    }

    public MountOptions withWritable(boolean on) {
        return new MountOptions(allowOther, debug, readyTimeout, on);
    }

    /** The libfuse command-line options. Never {@code -s}: libfuse runs multithreaded so slow reads do not block. */
    List<String> fuseArgs() {
        if (writable) {
            return writableArgs();
        }
        List<String> opts = new ArrayList<>(List.of("ro", "nosuid", "nodev", "default_permissions", "kernel_cache",
                "use_ino", "fsname=strata", "subtype=strata", "entry_timeout=" + CACHE_SECONDS,
                "attr_timeout=" + CACHE_SECONDS, "negative_timeout=" + CACHE_SECONDS));
        if (allowOther) {
            opts.add("allow_other");
        }
        return List.of("-o", String.join(",", opts));
    }

    /**
     * A writable mount: names and misses may still be cached long (they change only through this mount, and the
     * kernel updates its dentries on each create, unlink and rename), attributes only briefly (see
     * {@link #WRITABLE_ATTR_SECONDS}); {@code auto_cache} instead of {@code kernel_cache} keeps a file's pages only
     * while its size and mtime are unchanged; {@code big_writes} for 128 KiB writes; no {@code hard_remove}: with it
     * libfuse 2 forgets the path of a file unlinked while open and fails its fstat with ENOENT (the filesystem
     * serves libfuse's {@code .fuse_hidden*} renames in memory instead); {@code atomic_o_trunc} so that {@code open(O_TRUNC)} of an image file copies up no content (else the kernel
     * opens it for writing, which copies the whole file, and truncates it afterwards).
     */
    private List<String> writableArgs() {
        List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "default_permissions", "auto_cache", "use_ino",
                "big_writes", "max_write=131072", "atomic_o_trunc", "fsname=strata", "subtype=strata",
                "entry_timeout=" + CACHE_SECONDS, "negative_timeout=" + CACHE_SECONDS,
                "attr_timeout=" + WRITABLE_ATTR_SECONDS));
        if (allowOther) {
            opts.add("allow_other");
        }
        return List.of("-o", String.join(",", opts));
    }
}
