package io.strata.bench.netem;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One relayed connection: the accepted client socket, the socket to the target, and a {@link Relay} each
 * way. Closes when both directions have ended (each half-close is passed on as it comes), or at once on a
 * reset, a fault or {@link #close()}.
 */
final class Link implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String name;
    private final Socket client;
    private final InetSocketAddress target;
    private final LinkProfile profile;
    private final Faults faults;
    private final TokenBucket upRate;
    private final TokenBucket downRate;
    private final Consumer<Link> onClosed;
    private final long acceptedNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger finishedDirections = new AtomicInteger();
    private volatile Socket server;
    private volatile Relay up;
    private volatile Relay down;

    /** @param upRate the link's client-to-target bucket (null: unlimited), {@code downRate} the other way */
    Link(String name, Socket client, InetSocketAddress target, LinkProfile profile, Faults faults, TokenBucket upRate,
         TokenBucket downRate, Consumer<Link> onClosed) {
        this.name = name;
        this.client = client;
        this.target = target;
        this.profile = profile;
        this.faults = faults;
        this.upRate = upRate;
        this.downRate = downRate;
        this.onClosed = onClosed;
    }

    /** Connects to the target and starts relaying; run on a thread of its own (the connect may block). */
    void open() {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true); // Nagle plus delayed ACKs would add up to 40 ms to small writes
            client.setTcpNoDelay(true);
            s.connect(target, CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(s);
            reset(); // the client sees the refused connection as a reset, as it would through a real NAT
            return;
        }
        server = s;
        // A real client waits one RTT for the SYN-ACK before it sends; loopback's connect() returns at once.
        long handshakeDone = acceptedNanos + profile.rtt().toNanos();
        up = new Relay(name + "-up", client, s, profile.upDelay(), handshakeDone, upRate, null, this);
        down = new Relay(name + "-down", s, client, profile.downDelay(), 0, downRate, faults, this);
        if (closed.get()) { // the proxy closed while we connected
            closeQuietly(s);
            return;
        }
        up.start();
        down.start();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** A relay passed on its EOF; after both, the connection is done. */
    void directionFinished() {
        if (finishedDirections.incrementAndGet() == 2) {
            close();
        }
    }

    /** Resets both sides (an RST rather than a FIN: SO_LINGER 0, then close). */
    void reset() {
        if (closed.compareAndSet(false, true)) {
            for (Socket s : new Socket[] {client, server}) {
                if (s != null) {
                    try {
                        s.setSoLinger(true, 0);
                    } catch (IOException e) {
                        // already closed: nothing to reset
                    }
                }
            }
            release();
        }
    }

    /** Closes both sides with a FIN; bytes already written are delivered. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    private void release() {
        closeQuietly(client);
        closeQuietly(server);
        for (Relay r : new Relay[] {up, down}) {
            if (r != null) {
                r.interrupt();
            }
        }
        onClosed.accept(this);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is best effort: the socket is unusable either way
            }
        }
    }

    @Override
    public String toString() {
        return name + " " + client.getRemoteSocketAddress() + " -> " + target;
    }
}
