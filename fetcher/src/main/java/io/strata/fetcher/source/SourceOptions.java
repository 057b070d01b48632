package io.strata.fetcher.source;

import io.strata.fetcher.image.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How to reach image sources. Immutable; start from {@link #defaults()} and change with the {@code with...}
 * methods.
 *
 * @param insecureRegistries hosts ({@code host[:port]}) reached over plain HTTP; loopback hosts always are
 * @param authFile           a Docker-style {@code config.json}/{@code auth.json}; null means
 *                           {@code $REGISTRY_AUTH_FILE}, else {@code ~/.docker/config.json}
 * @param connectTimeout     per connection attempt
 * @param readTimeout        between two reads of a response (not the whole transfer)
 * @param platform           which manifest of an image index to use
 * @param uploadChunkSize    blobs larger than this are uploaded in chunks of this size
 */
public record SourceOptions(
        Set<String> insecureRegistries,
        Path authFile,
        Duration connectTimeout,
        Duration readTimeout,
        Platform platform,
        long uploadChunkSize) {

    /** 16 MiB: few requests for big layers, yet a failed chunk costs little to resend. */
    public static final long DEFAULT_CHUNK_SIZE = 16L << 20;

    public SourceOptions {
        insecureRegistries = insecureRegistries == null ? Set.of()
                : insecureRegistries.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        requirePositive(connectTimeout, "connect timeout");
        requirePositive(readTimeout, "read timeout");
        if (platform == null) {
            throw new IllegalArgumentException("no platform given (--platform OS/ARCH, e.g. linux/amd64)");
        }
        if (uploadChunkSize < 1) {
            throw new IllegalArgumentException("upload chunk size must be positive, got " + uploadChunkSize);
        }
    }

    /** No insecure registries, default credentials, 10 s connect, 60 s read, linux/amd64, 16 MiB chunks. */
    public static SourceOptions defaults() {
        return new SourceOptions(Set.of(), null, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Platform.LINUX_AMD64, DEFAULT_CHUNK_SIZE);
    }

    public SourceOptions withInsecureRegistries(Set<String> hosts) {
        return new SourceOptions(hosts, authFile, connectTimeout, readTimeout, platform, uploadChunkSize);
    }

    public SourceOptions withAuthFile(Path file) {
        return new SourceOptions(insecureRegistries, file, connectTimeout, readTimeout, platform, uploadChunkSize);
    }

    public SourceOptions withTimeouts(Duration connect, Duration read) {
        return new SourceOptions(insecureRegistries, authFile, connect, read, platform, uploadChunkSize);
    }

    public SourceOptions withPlatform(Platform wanted) {
        return new SourceOptions(insecureRegistries, authFile, connectTimeout, readTimeout, wanted, uploadChunkSize);
    }

    public SourceOptions withUploadChunkSize(long bytes) {
        return new SourceOptions(insecureRegistries, authFile, connectTimeout, readTimeout, platform, bytes);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
