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
 */
public record MountOptions(boolean allowOther, boolean debug, Duration readyTimeout) {

    /** Layers never change, so the kernel may cache names, attributes and misses for an hour. */
    static final int CACHE_SECONDS = 3600;

    public MountOptions {
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout must be positive, got " + readyTimeout);
        }
    }

    public static MountOptions defaults() {
        return new MountOptions(false, false, Duration.ofSeconds(30));
    }

    public MountOptions withAllowOther(boolean allow) {
        return new MountOptions(allow, debug, readyTimeout);
    }

    public MountOptions withDebug(boolean on) {
        return new MountOptions(allowOther, on, readyTimeout);
    }

    public MountOptions withReadyTimeout(Duration timeout) {
        return new MountOptions(allowOther, debug, timeout);
    }

    /** The libfuse command-line options. Never {@code -s}: libfuse runs multithreaded so slow reads do not block. */
    List<String> fuseArgs() {
        List<String> opts = new ArrayList<>(List.of("ro", "nosuid", "nodev", "default_permissions", "kernel_cache",
                "use_ino", "fsname=strata", "subtype=strata", "entry_timeout=" + CACHE_SECONDS,
                "attr_timeout=" + CACHE_SECONDS, "negative_timeout=" + CACHE_SECONDS));
        if (allowOther) {
            opts.add("allow_other");
        }
        return List.of("-o", String.join(",", opts));
    }
}
