package io.strata.fs.service;

import io.strata.fs.mount.MountControl;
import io.strata.fs.mount.MountException;
import io.strata.fs.mount.MountReadiness;
import io.strata.fs.mount.RuntimeDir;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident mount service ({@code strata service run}): one long-lived JVM that serves every
 * {@code strata mount} of its user, the way containerd's snapshotter daemons do. A mount then costs a few dozen
 * milliseconds of client start instead of two JVM start-ups, and reads are served by compiled code from the first
 * one. Each mount still gets its own FUSE session, control socket and runtime directory, so {@code strata status}
 * and {@code strata umount} work unchanged; only its process is shared.
 *
 * <p>The socket lives in the private runtime directory ({@link RuntimeDir#base()}), so only its user can connect.
 * A request runs only when the client's {@link ServiceProtocol#SHARED_ENVIRONMENT} equals the service's own;
 * otherwise the client is told to mount by itself (never a mount with someone else's cache or credentials).
 */
public final class MountService {

    private static final Logger LOG = LoggerFactory.getLogger(MountService.class);
    /** A connected client must send its request within this time; mounting itself may take much longer. */
    private static final int REQUEST_DEADLINE_SECONDS = 10;

    private static volatile MountService running;

    /** Runs one command line for the service (the command-line module provides it). */
    public interface Handler {
        /** Runs {@code request}'s arguments from its working directory; returns the exit code. */
        int run(ServiceProtocol.Request request, PrintWriter out, PrintWriter err);
    }

    /** A mount this service serves. */
    public record ServedMount(Path mountpoint, String image, Instant started) {
    }

    private final ServerSocketChannel server;
    private final Handler handler;
    private final Instant started = Instant.now();
    private final Map<Path, ServedMount> mounts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strata-service-deadlines");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    private MountService(ServerSocketChannel server, Handler handler) {
        this.server = server;
        this.handler = handler;
    }

    /** The service's socket for this user. */
    public static Path socket() {
        return ServiceProtocol.socket();
    }

    /** Where {@code strata service start} sends the service's output. */
    public static Path logFile() {
        return RuntimeDir.base().resolve("logs").resolve("service.log");
    }

    /** The service running in this JVM, if this JVM is one: mounts are then served here, in threads. */
    public static Optional<MountService> running() {
        return Optional.ofNullable(running);
    }

    /**
     * Binds the socket, tells {@code readiness}, and serves requests until a {@code stop} request or a signal.
     *
     * @throws MountException when another service already answers on the socket, or it cannot be bound
     */
    public static void serve(Handler handler, MountReadiness readiness) throws MountException {
        Path socket = socket();
        ServerSocketChannel server;
        try {
            RuntimeDir.createBase();
            if (Files.exists(socket)) {
                if (ServiceClient.send(socket, ServiceProtocol.Kind.STATUS, List.of(),
                        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                        new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).isPresent()) {
                    throw new MountException("a strata service already answers on " + socket
                            + " (strata service status; strata service stop)");
                }
                Files.delete(socket); // left by a killed service
            }
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            MountException failure = e instanceof MountException me ? me
                    : new MountException("cannot serve the strata service socket " + socket + ": " + e.getMessage(), e);
            readiness.failed(failure.getMessage());
            throw failure;
        }
        MountService service = new MountService(server, handler);
        running = service;
        Thread hook = new Thread(service::closeSocket, "strata-service-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("strata service (pid {}) answers on {}", ProcessHandle.current().pid(), socket);
        readiness.ready();
        service.acceptUntilStopped();
        running = null;
        LOG.info("strata service stopped");
    }

    private void acceptUntilStopped() {
        while (!stopping) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("service socket accept failed: {}", e.toString());
                continue;
            }
            Thread worker = new Thread(() -> {
                try (client) {
                    handle(client);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("service request failed: {}", e.toString());
                }
            }, "strata-service-client");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void handle(SocketChannel client) throws IOException {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            LOG.warn("service client sent no complete request within {} s: closing it", REQUEST_DEADLINE_SECONDS);
            client.close(); // unblocks the read below
            return null;
        }, REQUEST_DEADLINE_SECONDS, TimeUnit.SECONDS);
        ServiceProtocol.Request request;
        try {
            request = ServiceProtocol.Request.read(new DataInputStream(
                    new BufferedInputStream(Channels.newInputStream(client))));
        } finally {
            deadline.cancel(false);
        }
        DataOutputStream reply = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(client)));
        switch (request.kind()) {
            case RUN -> run(request, reply);
            case STATUS -> {
                frame(reply, ServiceProtocol.OUT, describe());
                exit(reply, 0);
            }
            case STOP -> {
                frame(reply, ServiceProtocol.OUT, stop());
                exit(reply, 0);
            }
        }
    }

    private void run(ServiceProtocol.Request request, DataOutputStream reply) throws IOException {
        Optional<String> decline = declineReason(request);
        if (decline.isPresent()) {
            LOG.info("declined a request: {}", decline.get());
            reply.writeByte(ServiceProtocol.FALLBACK);
            reply.writeUTF(decline.get());
            reply.flush();
            return;
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = handler.run(request, o, e);
        }
        frame(reply, ServiceProtocol.OUT, out.toString());
        frame(reply, ServiceProtocol.ERR, err.toString());
        exit(reply, code);
    }

    /** Why this service must not run {@code request}, if it must not. */
    Optional<String> declineReason(ServiceProtocol.Request request) {
        if (stopping) {
            return Optional.of("the service is stopping");
        }
        if (request.args().isEmpty() || !request.args().get(0).equals("mount")) {
            return Optional.of("the service runs only strata mount");
        }
        for (String name : ServiceProtocol.SHARED_ENVIRONMENT) {
            if (!Objects.equals(request.environment().get(name), System.getenv(name))) {
                return Optional.of("$" + name + " differs between this command and the service");
            }
        }
        return Optional.empty();
    }

    /**
     * Serves a mount in a thread of this JVM: {@code serving} mounts, reports readiness, and returns once unmounted.
     */
    public void startMount(Path mountpoint, String image, Callable<Void> serving) {
        Thread thread = new Thread(() -> {
            mounts.put(mountpoint, new ServedMount(mountpoint, image, Instant.now()));
            try {
                serving.call();
            } catch (Exception | Error e) {
                LOG.error("mount of {} at {} ended with an error: {}", image, mountpoint, e.toString());
            } finally {
                mounts.remove(mountpoint);
            }
        }, "strata-mount " + mountpoint);
        thread.start();
    }

    /** The mounts this service serves now. */
    public List<ServedMount> mounts() {
        return List.copyOf(mounts.values());
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("strata service: pid ").append(ProcessHandle.current().pid()).append(", up since ").append(started)
                .append('\n').append("socket: ").append(socket()).append('\n')
                .append("log: ").append(logFile()).append('\n')
                .append("mounts: ").append(mounts.size()).append('\n');
        for (ServedMount m : mounts()) {
            sb.append("  ").append(m.mountpoint()).append("  ").append(m.image()).append("  since ")
                    .append(m.started()).append('\n');
        }
        return sb.toString();
    }

    /** Unmounts every served mount, then stops accepting; the service's main thread then returns. */
    private String stop() {
        stopping = true;
        List<String> lines = new ArrayList<>();
        for (ServedMount m : mounts()) {
            try {
                MountControl.unmount(m.mountpoint());
                lines.add("unmounted " + m.mountpoint());
            } catch (MountException e) {
                lines.add("could not unmount " + m.mountpoint() + ": " + e.getMessage());
            }
        }
        lines.add("stopped the strata service (pid " + ProcessHandle.current().pid() + ")");
        closeSocket();
        return String.join("\n", lines) + "\n";
    }

    private void closeSocket() {
        try {
            server.close();
            Files.deleteIfExists(socket());
        } catch (IOException e) {
            LOG.debug("closing the service socket", e);
        }
    }

    private static void frame(DataOutputStream reply, byte kind, String text) throws IOException {
        // writeUTF takes at most 65535 encoded bytes: split long output (a character is at most 3 bytes).
        for (int i = 0; i < text.length(); i += 20_000) {
            reply.writeByte(kind);
            reply.writeUTF(text.substring(i, Math.min(text.length(), i + 20_000)));
        }
    }

    private static void exit(DataOutputStream reply, int code) throws IOException {
        reply.writeByte(ServiceProtocol.EXIT);
        reply.writeInt(code);
        reply.flush();
    }
}
