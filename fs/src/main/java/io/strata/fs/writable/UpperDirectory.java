package io.strata.fs.writable;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container's upper directory on disk (the format is described in {@code package-info.java}): opened for one
 * mount at a time, tied to one image manifest. Opening it takes an exclusive {@code flock} on the directory, checks
 * or writes {@code strata-upper.json}, and empties {@code work/} of what a killed mount left there; closing it
 * releases the lock.
 */
public final class UpperDirectory implements AutoCloseable {

    /** The changed files at their paths, whiteouts included: the layer's change set. */
    public static final String UPPER = "upper";
    /** Temporary files on the same filesystem, renamed into {@code upper/} once complete. */
    public static final String WORK = "work";
    /** Which image the changes are made on top of: {@link Config}. */
    public static final String CONFIG = "strata-upper.json";

    private static final Logger LOG = LoggerFactory.getLogger(UpperDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * The contents of {@code strata-upper.json}.
     *
     * @param version        1
     * @param image          the image reference as the user gave it at the first mount
     * @param manifestDigest the manifest the changes are made on top of ({@code sha256:...})
     */
    public record Config(int version, String image, String manifestDigest) {
    }

    private final Path dir;
    private final String upper;
    private final String work;
    private final int lockFd;
    private final Config config;
    private final AtomicLong temps = new AtomicLong();

    private UpperDirectory(Path dir, int lockFd, Config config) {
        this.dir = dir;
        this.upper = dir.resolve(UPPER).toString();
        this.work = dir.resolve(WORK).toString();
        this.lockFd = lockFd;
        this.config = config;
    }

    /**
     * Where a writable mount at {@code mountpoint} keeps its changes when no {@code --upper} is given:
     * {@code <cache dir>/../strata-containers/<first 16 hex digits of sha256(absolute mountpoint)>}. Next to the
     * cache, not inside it: the cache may be cleared at any time, a container's changes may not.
     */
    public static Path defaultFor(Path cacheDir, Path mountpoint) {
        Path cache = cacheDir.toAbsolutePath().normalize();
        Path base = cache.getParent() == null ? cache : cache.getParent();
        return base.resolve("strata-containers").resolve(hash16(mountpoint.toAbsolutePath().normalize().toString()));
    }

    private static String hash16(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens (or creates) the upper directory {@code dir} for a mount of {@code image}, which resolved to
     * {@code manifestDigest}.
     *
     * @throws IOException with what to do when {@code dir} is not a directory, is held by another mount, holds
     *                     something else than an upper directory, or was made on top of another manifest
     */
    public static UpperDirectory open(Path dir, String image, Digest manifestDigest) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(d)) {
            throw new IOException("upper directory " + d + " exists but is not a directory; give --upper a directory");
        }
        if (!Files.exists(d)) {
            // 0700: the upper keeps the container's files with their real modes, setuid binaries included.
            Files.createDirectories(d.getParent());
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        int fd = HostFs.open(d.toString(), Libc.O_RDONLY | Libc.O_DIRECTORY, 0);
        try {
            if (!HostFs.tryLock(fd, d.toString())) {
                throw new IOException("upper directory " + d + " is in use by another strata mount (one mount at a"
                        + " time): unmount that one first, or give another --upper");
            }
            Config config = readOrCreateConfig(d, image, manifestDigest);
            Files.createDirectories(d.resolve(WORK));
            int stale = emptyDirectory(d.resolve(WORK));
            if (stale > 0) {
                LOG.info("removed {} temporary files left in {} by a killed mount", stale, d.resolve(WORK));
            }
            return new UpperDirectory(d, fd, config);
        } catch (IOException | RuntimeException e) {
            HostFs.closeQuietly(fd);
            throw e;
        }
    }

    private static Config readOrCreateConfig(Path d, String image, Digest manifestDigest) throws IOException {
        Path file = d.resolve(CONFIG);
        if (Files.exists(file)) {
            Config c;
            try {
                c = JSON.readValue(file.toFile(), Config.class);
            } catch (IOException e) {
                throw new IOException(file + " is not valid JSON (" + e.getMessage() + "); it should look like"
                        + " {\"version\":1,\"image\":\"...\",\"manifestDigest\":\"sha256:...\"}", e);
            }
            if (c.version() != 1) {
                throw new IOException(file + " has version " + c.version() + ", this strata reads version 1; use the"
                        + " strata that wrote it, or another --upper");
            }
            if (!manifestDigest.toString().equals(c.manifestDigest())) {
                throw new IOException("upper directory " + d + " holds changes made on top of " + c.image() + " ("
                        + c.manifestDigest() + "), but " + image + " resolves to " + manifestDigest + "; mount the"
                        + " image with manifest " + c.manifestDigest() + " to continue with these changes, or give"
                        + " another --upper");
            }
            return c;
        }
        try (Stream<Path> entries = Files.list(d)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(WORK)).toList();
            if (!foreign.isEmpty()) {
                throw new IOException("upper directory " + d + " is not empty and has no " + CONFIG + " (it holds "
                        + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + "): not a strata upper directory; give --upper a new or empty directory");
            }
        }
        Config c = new Config(1, image, manifestDigest.toString());
        Files.createDirectories(d.resolve(WORK));
        Path tmp = d.resolve(WORK).resolve(CONFIG + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(c));
        int fd = HostFs.open(tmp.toString(), Libc.O_RDONLY, 0);
        try {
            HostFs.fsync(fd, false, tmp.toString());
        } finally {
            HostFs.closeQuietly(fd);
        }
        HostFs.rename(tmp.toString(), file.toString());
        return c;
    }

    /** Deletes everything below {@code dir} (not {@code dir}); returns how many entries went. */
    static int emptyDirectory(Path dir) throws IOException {
        int[] count = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                count[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!d.equals(dir)) {
                    Files.delete(d);
                    count[0]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return count[0];
    }

    /** The directory given to {@code --upper} (absolute). */
    public Path directory() {
        return dir;
    }

    /** What {@code strata-upper.json} says. */
    public Config config() {
        return config;
    }

    /** {@code DIR/upper} as a host path string. */
    String upperRoot() {
        return upper;
    }

    /** A fresh name in {@code work/} for a file or directory being prepared ({@code kind}: what it is for). */
    String newTemp(String kind) {
        return work + "/" + kind + "-" + temps.incrementAndGet();
    }

    /** Releases the lock: another mount may use the directory from now on. */
    @Override
    public void close() {
        HostFs.closeQuietly(lockFd);
    }
}
