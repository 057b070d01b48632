package io.strata.fetcher.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final long STARTUP_TIMEOUT_MS = 20_000;

    private final Process process;
    private final Path workDir;
    private final Path storageDir;
    private final int port;
    private final Thread shutdownHook;

    private LocalRegistry(Process process, Path workDir, Path storageDir, int port) {
        this.process = process;
        this.workDir = workDir;
        this.storageDir = storageDir;
        this.port = port;
        this.shutdownHook = new Thread(process::destroyForcibly, "local-registry-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a registry and waits until {@code GET /v2/} answers. */
    public static LocalRegistry start() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install the Debian package `docker-registry` "
                    + "(apt-get install docker-registry) to run the registry integration tests");
        }
        Path workDir = Files.createTempDirectory("strata-registry-");
        Path storage = Files.createDirectories(workDir.resolve("storage"));
        int port = freePort();
        Path config = workDir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "  accesslog:",
                "    disabled: true",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: true",
                "http:",
                "  addr: 127.0.0.1:" + port,
                ""), StandardCharsets.UTF_8);
        Path log = workDir.resolve("registry.log");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, workDir, storage, port);
        try {
            registry.awaitReady(log);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** {@code 127.0.0.1:PORT}: the registry part of an image reference. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * The storage root: a blob lives at {@code docker/registry/v2/blobs/sha256/<hex[0:2]>/<hex>/data}
     * (see {@link #blobFile(String)}), so a test can corrupt it.
     */
    public Path storageDir() {
        return storageDir;
    }

    /** The file holding the blob of sha256 {@code hex}. */
    public Path blobFile(String hex) {
        return storageDir.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data");
    }

    /** Kills the registry and deletes its storage. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
        deleteTree(workDir);
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        URI probe = URI.create("http://" + host() + "/v2/");
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + " at startup: "
                        + tail(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) probe.toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(1000);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
        }
        throw new IOException("docker-registry did not answer GET /v2/ on " + host() + " within "
                + STARTUP_TIMEOUT_MS + " ms: " + tail(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: it is a temp directory.
        }
    }
}
