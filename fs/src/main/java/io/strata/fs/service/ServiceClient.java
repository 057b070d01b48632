package io.strata.fs.service;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command side of the resident service. Deliberately light (only {@code java.base}): {@code strata mount}
 * loads this before anything else and, when a service answers, never loads the command-line parser, the logger or
 * the HTTP client at all.
 */
public final class ServiceClient {

    private ServiceClient() {
    }

    /** The outcome of a request: the exit code, or why the service declined and the caller must run it itself. */
    public record Outcome(int exitCode, String fallbackReason) {
        public boolean declined() {
            return fallbackReason != null;
        }
    }

    /**
     * Sends {@code kind} with {@code args} to the service at {@code socket} and copies its output to {@code out} and
     * {@code err}.
     *
     * @return empty when no service answers there (no socket, or one left by a killed service)
     * @throws IOException when the service accepted the request but the conversation broke off
     */
    public static Optional<Outcome> send(Path socket, ServiceProtocol.Kind kind, List<String> args, PrintStream out,
                                         PrintStream err) throws IOException {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return Optional.empty();
        }
        try (channel) {
            DataOutputStream request = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            ServiceProtocol.Request.fromThisProcess(kind, args).write(request);
            DataInputStream reply = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            while (true) {
                byte frame;
                try {
                    frame = reply.readByte();
                } catch (EOFException e) {
                    throw new IOException("the strata service at " + socket + " closed the connection without an"
                            + " answer (see its log: strata service status)");
                }
                switch (frame) {
                    case ServiceProtocol.OUT -> out.print(reply.readUTF());
                    case ServiceProtocol.ERR -> err.print(reply.readUTF());
                    case ServiceProtocol.EXIT -> {
                        out.flush();
                        err.flush();
                        return Optional.of(new Outcome(reply.readInt(), null));
                    }
                    case ServiceProtocol.FALLBACK -> {
                        return Optional.of(new Outcome(-1, reply.readUTF()));
                    }
                    default -> throw new IOException("the strata service at " + socket + " sent an unknown frame "
                            + frame + ": is it another version? Restart it: strata service stop; strata service start");
                }
            }
        }
    }
}
