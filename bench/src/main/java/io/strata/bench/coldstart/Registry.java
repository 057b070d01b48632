package io.strata.bench.coldstart;

import io.strata.fetcher.source.LocalRegistryProcess;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The benchmark's private registry: a {@link LocalRegistryProcess} storing under a directory of the run, with its
 * access log (one line per response, with the bytes of its body) in a file that {@link RegistryTraffic} reads. The
 * registry side counts requests and bytes the same way whoever the client is (skopeo, strata), through the
 * emulated link or not.
 */
public final class Registry implements AutoCloseable {

    private final LocalRegistryProcess process;

    private Registry(LocalRegistryProcess process) {
        this.process = process;
    }

    /** Starts a registry storing under {@code dir} and waits until {@code GET /v2/} answers. */
    public static Registry start(Path dir) throws IOException {
        return new Registry(LocalRegistryProcess.start(dir, true));
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return process.host();
    }

    int port() {
        return process.port();
    }

    Path accessLog() {
        return process.accessLog();
    }

    @Override
    public void close() {
        process.close();
    }
}
