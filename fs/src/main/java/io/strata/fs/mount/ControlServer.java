package io.strata.fs.mount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mount process's end of the control socket. One request per connection, one line each way plus a body:
 * the client writes {@code status} or {@code umount}; the server answers {@code OK} (then the status JSON) or
 * {@code ERROR <reason>}. Also owns {@code mount.json}; {@link #close()} removes the per-mount runtime directory.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_REQUEST = 256;
    /** An unmount waits for the kernel; a status is instant: 60 s bounds both without cutting a real request. */
    static final int CLIENT_DEADLINE_SECONDS = 60;

    private final RuntimeDir runtime;
    private final MountInfo info;
    private final Supplier<String> status;
    private final Callable<Void> unmount;
    private final ServerSocketChannel server;
    private final Thread thread;

    private ControlServer(RuntimeDir runtime, MountInfo info, Supplier<String> status, Callable<Void> unmount,
                          ServerSocketChannel server) {
        this.runtime = runtime;
        this.info = info;
        this.status = status;
        this.unmount = unmount;
        this.server = server;
        this.thread = new Thread(this::serve, "strata-control " + runtime.mountpoint());
        this.thread.setDaemon(true);
    }

    /**
     * Writes {@code mount.json} and starts answering on {@code control.sock}.
     *
     * @param status  the filesystem's own status as a JSON object (per-layer statistics); its fields are merged
     *                with the process fields (pid, image, mountpoint, logFile, startedMillis, uptimeSeconds)
     * @param unmount what {@code umount} does; the reply is sent once it returns
     * @throws MountException when another live process already serves this mount point
     */
    public static ControlServer start(RuntimeDir runtime, MountInfo info, Supplier<String> status,
                                      Callable<Void> unmount) throws IOException {
        Objects.requireNonNull(info, "info");
        runtime.create();
        if (Files.exists(runtime.controlSocket())) {
            if (MountControl.answers(runtime)) {
                throw new MountException("another strata process already serves " + runtime.mountpoint() + " (socket "
                        + runtime.controlSocket() + ")");
            }
            Files.delete(runtime.controlSocket()); // left by a killed process
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(runtime.controlSocket()));
        Files.writeString(runtime.mountJson(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info));
        ControlServer control = new ControlServer(runtime, info, status, unmount, server);
        control.thread.start();
        return control;
    }

    /**
     * Accepts clients and answers each in a thread of its own, closed after {@link #CLIENT_DEADLINE_SECONDS}: a
     * client that connects and sends nothing must not stall every later {@code strata status} or {@code umount}.
     */
    private void serve() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("control socket accept failed: {}", e.toString());
                continue;
            }
            Thread worker = new Thread(() -> {
                try (client) {
                    handle(client);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("control request failed: {}", e.toString());
                }
            }, "strata-control-client");
            worker.setDaemon(true);
            worker.start();
            Thread watchdog = new Thread(() -> {
                try {
                    worker.join(CLIENT_DEADLINE_SECONDS * 1000L);
                    if (worker.isAlive()) {
                        LOG.warn("control client sent no complete request within {} s: closing it", CLIENT_DEADLINE_SECONDS);
                        client.close(); // unblocks the worker's read
                    }
                } catch (InterruptedException | IOException e) {
                    Thread.currentThread().interrupt();
                }
            }, "strata-control-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
    }

    private void handle(SocketChannel client) throws IOException {
        String command = readLine(client);
        if (command.isEmpty()) {
            return; // a liveness probe (MountControl.answers) connects and hangs up
        }
        String reply;
        switch (command) {
            case "status" -> reply = statusReply();
            case "umount" -> {
                try {
                    unmount.call();
                    reply = "OK\n";
                } catch (Exception e) {
                    reply = "ERROR " + oneLine(e.getMessage()) + "\n";
                }
            }
            default -> reply = "ERROR unknown command \"" + oneLine(command) + "\" (expected status or umount)\n";
        }
        ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    private String statusReply() {
        try {
            ObjectNode node = JSON.valueToTree(info);
            node.put("uptimeSeconds", (System.currentTimeMillis() - info.startedMillis()) / 1000);
            String fs = status == null ? null : status.get();
            if (fs != null && !fs.isBlank()) {
                JsonNode extra = JSON.readTree(fs);
                if (extra.isObject()) {
                    node.setAll((ObjectNode) extra);
                } else {
                    node.set("status", extra);
                }
            }
            return "OK\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (IOException | RuntimeException e) {
            LOG.warn("status failed", e);
            return "ERROR status failed: " + oneLine(String.valueOf(e.getMessage())) + "\n";
        }
    }

    /** Reads the request line; requests are tiny, so a longer one is a wrong client. */
    static String readLine(SocketChannel channel) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                break;
            }
            byte[] seen = in.array();
            for (int i = 0; i < in.position(); i++) {
                if (seen[i] == '\n') {
                    return new String(seen, 0, i, StandardCharsets.UTF_8).trim();
                }
            }
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).trim();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }

    /** Stops answering and removes the per-mount runtime directory. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing control socket", e);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000); // let an in-flight reply (umount's OK) finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runtime.delete();
    }
}
