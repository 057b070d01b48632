package io.strata.fs.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a mount keeps its runtime state. The base is {@code /run/strata} for root, else
 * {@code $XDG_RUNTIME_DIR/strata}, else {@code /tmp/strata-$UID} (overridable with the system property
 * {@code strata.runtime.dir} or the environment variable {@code STRATA_RUNTIME_DIR}, which a spawned mount process
 * inherits). Each mount point gets a directory named by a hash of its canonical path, holding {@code mount.json}
 * and {@code control.sock}; it exists while the mount process lives. Logs live in {@code logs/} beside it so they
 * survive the process, which is when they are read.
 */
public final class RuntimeDir {

    static final String ENV = "STRATA_RUNTIME_DIR";
    static final String PROPERTY = "strata.runtime.dir";

    private final Path base;
    private final Path mountpoint;
    private final String key;

    private RuntimeDir(Path base, Path mountpoint) {
        this.base = base;
        this.mountpoint = mountpoint;
        this.key = hash(mountpoint.toString());
    }

    /** The runtime state of the mount at {@code mountpoint} (canonicalized: parent symlinks resolved). */
    public static RuntimeDir forMountpoint(Path mountpoint) {
        return new RuntimeDir(base(), Mountpoints.canonical(mountpoint));
    }

    /** The per-user base directory (not created). */
    public static Path base() {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        int uid = Commands.uid();
        if (uid == 0) {
            return Path.of("/run/strata");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "strata");
        }
        return Path.of("/tmp", "strata-" + uid);
    }

    /** The canonical mount point this state belongs to. */
    public Path mountpoint() {
        return mountpoint;
    }

    /** The per-mount directory: exists while a mount process serves this mount point. */
    public Path dir() {
        return base.resolve(key);
    }

    public Path controlSocket() {
        return dir().resolve("control.sock");
    }

    public Path mountJson() {
        return dir().resolve("mount.json");
    }

    /** The mount process's stdout/stderr when it runs detached. */
    public Path logFile() {
        return base.resolve("logs").resolve(key + ".log");
    }

    /**
     * Where a detached mount process reports READY or ERROR to the process that started it: one file per spawn,
     * so that two {@code strata mount} racing for one mount point never read or delete each other's report.
     */
    Path newReadyFile() {
        return base.resolve("logs").resolve(key + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".ready");
    }

    /**
     * Creates the per-mount and log directories, private to the user (the socket accepts commands), and refuses
     * ones that exist but are not: {@code /tmp/strata-UID} could have been made by another user beforehand, who
     * could then unmount our mounts, forge readiness, or have our log overwrite a file through a symlink.
     */
    void create() throws IOException {
        for (Path d : new Path[] {base, dir(), base.resolve("logs")}) {
            if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            }
            requirePrivate(d);
        }
    }

    /**
     * Creates the base directory and its {@code logs/}, private to the user (as {@link #create()} does), for state
     * that belongs to no mount point: the resident service's socket and log.
     *
     * @return the base directory
     */
    public static Path createBase() throws IOException {
        Path base = base();
        for (Path d : new Path[] {base, base.resolve("logs")}) {
            if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            }
            requirePrivate(d);
        }
        return base;
    }

    private static void requirePrivate(Path d) throws IOException {
        Map<String, Object> a = Files.readAttributes(d, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
        int uid = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode");
        boolean directory = (mode & 0170000) == 0040000;
        if (!directory || uid != Commands.uid() || (mode & 0077) != 0) {
            throw new IOException("runtime directory " + d + " is not a private directory of this user (owner uid "
                    + uid + ", mode " + Integer.toOctalString(mode & 07777) + "): remove it, or set "
                    + "XDG_RUNTIME_DIR (or " + ENV + ") to a directory only you can write");
        }
    }

    /** Removes the per-mount directory (logs stay). */
    void delete() {
        try {
            Files.deleteIfExists(controlSocket());
            Files.deleteIfExists(mountJson());
            Files.deleteIfExists(dir());
        } catch (IOException e) {
            // best effort: a stale directory is detected and replaced by the next mount
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
