package io.strata.fetcher.source;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (distribution 2.8) serving a directory on a free loopback port, without auth:
 * the registry that {@code strata bench} pushes its images to and the integration tests run against. Its access
 * log (one line per response, with the bytes of its body) goes to {@code access.log} when asked for, warnings and
 * errors to {@code registry.log}, both in the directory. Close it (try-with-resources); a JVM shutdown hook kills
 * it as a safety net, so a killed benchmark or test run leaves no registry behind.
 */
public final class LocalRegistryProcess implements AutoCloseable {

    /** Where Debian installs distribution's registry. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final long STARTUP_TIMEOUT_MS = 20_000;

    private final Process process;
    private final Path dir;
    private final int port;
    private final Thread reaper;

    private LocalRegistryProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.reaper = new Thread(process::destroyForcibly, "local-registry-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts a registry storing under {@code dir/storage} and waits until {@code GET /v2/} answers.
     *
     * @param accessLog whether to keep the access log in {@code dir/access.log}
     * @throws IOException if the binary is missing (naming the package), or the registry exits or does not answer
     *                     at start-up (with the tail of its log)
     */
    public static LocalRegistryProcess start(Path dir, boolean accessLog) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " not found: install the Debian package docker-registry"
                    + " (apt-get install docker-registry; scripts/install-deps.sh does)");
        }
        Files.createDirectories(dir.resolve("storage"));
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log: {level: warn" + (accessLog ? "" : ", accesslog: {disabled: true}") + "}",
                "storage: {filesystem: {rootdirectory: " + dir.resolve("storage") + "}, delete: {enabled: true}}",
                "http: {addr: 127.0.0.1:" + port + "}",
                ""), StandardCharsets.UTF_8);
        // The access log goes to stdout whatever the log level; warnings and errors go to stderr.
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectError(dir.resolve("registry.log").toFile());
        pb.redirectOutput(accessLog ? ProcessBuilder.Redirect.to(dir.resolve("access.log").toFile())
                : ProcessBuilder.Redirect.DISCARD);
        LocalRegistryProcess registry = new LocalRegistryProcess(pb.start(), dir, port);
        try {
            registry.awaitReady();
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

    /** The directory given to {@link #start}. */
    public Path dir() {
        return dir;
    }

    /** The storage root: a blob lives at {@code docker/registry/v2/blobs/sha256/<hex[0:2]>/<hex>/data}. */
    public Path storageDir() {
        return dir.resolve("storage");
    }

    /** The access log (exists when started with one). */
    public Path accessLog() {
        return dir.resolve("access.log");
    }

    /** Stops the registry (its storage stays). */
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
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        URI probe = URI.create("http://" + host() + "/v2/");
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + " at startup: "
                        + logTail());
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
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for docker-registry", e);
            }
        }
        throw new IOException("docker-registry did not answer GET /v2/ on " + host() + " within "
                + STARTUP_TIMEOUT_MS + " ms: " + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("registry.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
