package io.strata.cache.chunk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable settings of a chunk cache, validated when built; messages name the command-line flag to fix.
 *
 * <pre>{@code
 * CacheConfig config = CacheConfig.builder()
 *         .diskMaxSize("10G")              // --cache-max-size; default min(10 GiB, 25 % of the free space)
 *         .build();                        // directory: defaultDirectory()
 * }</pre>
 */
public final class CacheConfig {

    /** The flag that sets the disk bound; named in error messages. */
    public static final String MAX_SIZE_FLAG = "--cache-max-size";
    /** Memory tier size unless set: enough for the working set of a container start, small next to a JVM. */
    public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
    /** The default disk bound never exceeds this... */
    public static final long DEFAULT_DISK_CAP_BYTES = 10L << 30;
    /** ...nor this share of the space the cache could use (free space plus what it already holds). */
    public static final int DEFAULT_DISK_PERCENT = 25;

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private final Path directory;
    private final long memoryMaxBytes;
    private final long diskMaxBytes; // -1: the default, computed at open from the filesystem

    private CacheConfig(Builder b) {
        this.directory = b.directory != null ? b.directory.toAbsolutePath().normalize() : defaultDirectory();
        this.memoryMaxBytes = b.memoryMaxBytes;
        this.diskMaxBytes = b.diskMaxBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cache directory (absolute). */
    public Path directory() {
        return directory;
    }

    /** Bound of the memory tier in bytes; 0 means no memory tier. */
    public long memoryMaxBytes() {
        return memoryMaxBytes;
    }

    /** Bound of the disk tier in bytes; empty means {@link #defaultDiskMaxBytes} at open time. */
    public OptionalLong diskMaxBytes() {
        return diskMaxBytes < 0 ? OptionalLong.empty() : OptionalLong.of(diskMaxBytes);
    }

    /**
     * Parses a size such as {@code 512M}, {@code 10G}, {@code 1.5G}, {@code 4096}, {@code 2GiB}: a number and
     * an optional unit K, M, G or T in powers of 1024 (a trailing {@code B} or {@code iB} is allowed).
     *
     * @param flag the option the text came from, named in the error
     * @throws IllegalArgumentException naming the flag and the text if it is not such a size
     */
    public static long parseSize(String flag, String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a size; write a number with an"
                    + " optional unit K, M, G or T (powers of 1024), e.g. 512M, 10G or 1.5G");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        if (shift == 0 && bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is a fraction of a byte; give a unit"
                    + " (e.g. 1.5G) or a whole number of bytes");
        }
        try {
            return bytes.setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is too large (at most 8E bytes)", e);
        }
    }

    /** The default disk bound: min(10 GiB, 25 % of the free space plus what the cache already holds). */
    public static long defaultDiskMaxBytes(long usableBytes, long cacheBytes) {
        long couldUse = Math.max(0, usableBytes) + Math.max(0, cacheBytes);
        return Math.max(1, Math.min(DEFAULT_DISK_CAP_BYTES, couldUse / 100 * DEFAULT_DISK_PERCENT));
    }

    /**
     * {@code $STRATA_CACHE_DIR}; else {@code /var/cache/strata} for root; else {@code $XDG_CACHE_HOME/strata};
     * else {@code ~/.cache/strata}.
     */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv(), isRoot(), Path.of(System.getProperty("user.home")));
    }

    static Path defaultDirectory(Map<String, String> env, boolean root, Path home) {
        String explicit = env.get("STRATA_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        if (root) {
            return Path.of("/var/cache/strata");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        // The XDG base directory spec says relative values are invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "strata");
        }
        return home.resolve(".cache").resolve("strata");
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    @Override
    public String toString() {
        return "CacheConfig[directory=" + directory + ", memoryMaxBytes=" + memoryMaxBytes + ", diskMaxBytes="
                + (diskMaxBytes < 0 ? "default" : diskMaxBytes) + "]";
    }

    /** Collects and validates settings; {@link #build} fails on the first bad one. */
    public static final class Builder {
        private Path directory;
        private long memoryMaxBytes = DEFAULT_MEMORY_BYTES;
        private long diskMaxBytes = -1;

        private Builder() {
        }

        /** The cache directory; default {@link CacheConfig#defaultDirectory()}. */
        public Builder directory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Memory tier bound in bytes, 0 for none. */
        public Builder memoryMaxBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("the memory cache size must not be negative, got " + bytes);
            }
            this.memoryMaxBytes = bytes;
            return this;
        }

        /** Disk tier bound in bytes (must be positive). */
        public Builder diskMaxBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException(MAX_SIZE_FLAG + " must be greater than 0, got " + bytes
                        + " bytes; omit it for the default (min(10G, 25% of the free disk))");
            }
            this.diskMaxBytes = bytes;
            return this;
        }

        /** Disk tier bound as the user wrote it for {@value CacheConfig#MAX_SIZE_FLAG}, e.g. {@code 10G}. */
        public Builder diskMaxSize(String text) {
            return diskMaxBytes(parseSize(MAX_SIZE_FLAG, text));
        }

        public CacheConfig build() {
            return new CacheConfig(this);
        }
    }
}
