package io.strata.bench;

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
 * A local OCI distribution registry for a benchmark: Debian's {@code docker-registry} on a free loopback port,
 * storing under a directory the caller owns, without auth or access log. Loopback registries are spoken to over
 * plain HTTP by every strata command, so no flag is needed.
 */
final class RegistryServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final long STARTUP_MILLIS = 20_000;

    private final Process process;
    private final int port;

    private RegistryServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry storing under {@code dir} and waits until {@code GET /v2/} answers. */
    static RegistryServer start(Path dir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " not found: install it with scripts/install-deps.sh (Debian package"
                    + " docker-registry)");
        }
        Files.createDirectories(dir.resolve("storage"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log: {level: warn, accesslog: {disabled: true}}",
                "storage: {filesystem: {rootdirectory: " + dir.resolve("storage") + "}}",
                "http: {addr: 127.0.0.1:" + port + "}",
                ""), StandardCharsets.UTF_8);
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RegistryServer server = new RegistryServer(p, port);
        try {
            server.awaitReady(log);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
    String host() {
        return "127.0.0.1:" + port;
    }

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
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
        URI probe = URI.create("http://" + host() + "/v2/");
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + " at start: " + tail(log));
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
        throw new IOException("docker-registry did not answer GET /v2/ on " + host() + " within " + STARTUP_MILLIS
                + " ms: " + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
