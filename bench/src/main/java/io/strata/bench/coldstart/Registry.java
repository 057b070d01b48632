package io.strata.bench.coldstart;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's private registry: Debian's {@code docker-registry} (distribution 2.8) on a free loopback port,
 * storing under a directory of the run, with its access log (one line per response, with the bytes of its body)
 * in a file that {@link RegistryTraffic} reads. The registry side counts requests and bytes the same way whoever
 * the client is (skopeo, strata), through the emulated link or not.
 */
public final class Registry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final long STARTUP_TIMEOUT_MS = 20_000;

    private final Process process;
    private final int port;
    private final Path accessLog;
    private final Path errorLog;
    private final Thread reaper;

    private Registry(Process process, int port, Path accessLog, Path errorLog) {
        this.process = process;
        this.port = port;
        this.accessLog = accessLog;
        this.errorLog = errorLog;
        this.reaper = new Thread(process::destroyForcibly, "bench-registry-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper); // a killed benchmark leaves no registry behind
    }

    /** Starts a registry storing under {@code dir} and waits until {@code GET /v2/} answers. */
    public static Registry start(Path dir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " not found: install the Debian package docker-registry"
                    + " (scripts/install-deps.sh does)");
        }
        Files.createDirectories(dir);
        int port = freePort();
        Path config = dir.resolve("config.yml");
        // The access log goes to stdout whatever the log level; warnings and errors go to stderr.
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log: {level: warn}",
                "storage: {filesystem: {rootdirectory: " + dir.resolve("storage") + "}, delete: {enabled: true}}",
                "http: {addr: 127.0.0.1:" + port + "}",
                ""), StandardCharsets.UTF_8);
        Path access = dir.resolve("access.log");
        Path errors = dir.resolve("registry.log");
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectOutput(access.toFile()).redirectError(errors.toFile()).start();
        Registry registry = new Registry(p, port, access, errors);
        try {
            registry.awaitReady();
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    Path accessLog() {
        return accessLog;
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
                        + Proc.tail(Files.readString(errorLog)));
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
                + STARTUP_TIMEOUT_MS + " ms: " + Proc.tail(Files.readString(errorLog)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
