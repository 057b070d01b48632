package io.strata.fetcher.testing;

import io.strata.fetcher.source.LocalRegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real OCI distribution registry for integration tests: Debian's {@code docker-registry} (distribution
 * 2.8) on a free loopback port, storing into a fresh temp directory, without auth. Use it in
 * try-with-resources (or {@code @AfterAll}); a JVM shutdown hook kills it as a safety net.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *     ImageRef ref = ImageRef.parse(registry.host() + "/demo/app:1");
 * }
 * }</pre>
 */
public final class LocalRegistry implements AutoCloseable {
    public static final Path BINARY = LocalRegistryProcess.BINARY;

    private final LocalRegistryProcess process;
    private final Path workDir;

    private LocalRegistry(LocalRegistryProcess process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
    }

    /** Starts a registry and waits until {@code GET /v2/} answers. */
    public static LocalRegistry start() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install the Debian package `docker-registry` "
                    + "(apt-get install docker-registry) to run the registry integration tests");
        }
        Path workDir = Files.createTempDirectory("strata-registry-");
        try {
            return new LocalRegistry(LocalRegistryProcess.start(workDir, false), workDir);
        } catch (IOException | RuntimeException e) {
            deleteTree(workDir);
            throw e;
        }
    }

    /** {@code 127.0.0.1:PORT}: the registry part of an image reference. */
    public String host() {
        return process.host();
    }

    public int port() {
        return process.port();
    }

    /**
     * The storage root: a blob lives at {@code docker/registry/v2/blobs/sha256/<hex[0:2]>/<hex>/data}
     * (see {@link #blobFile(String)}), so a test can corrupt it.
     */
    public Path storageDir() {
        return process.storageDir();
    }

    /** The file holding the blob of sha256 {@code hex}. */
    public Path blobFile(String hex) {
        return storageDir().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data");
    }

    /** Kills the registry and deletes its storage. */
    @Override
    public void close() {
        process.close();
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: it is a temp directory.
        }
    }
}
