package io.strata.bench.netem;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that emulates a WAN link in front of a local server (a registry, say): every
 * connection accepted on {@link #address()} is relayed to the target with the delays and rates of a
 * {@link LinkProfile}, each direction through a delay line and a token bucket. The delay is per connection; the
 * rate is the link's, shared by all connections as a real bottleneck is (a client that downloads four layers at
 * once gets the rate, not four times it). Half-closes and resets pass through. Uses four platform threads per
 * connection, which suits clients that open a handful.
 *
 * <p>Faults can be armed while it runs. Each is claimed by the first downstream delivery (target to client) on
 * any connection after it was armed, so arm a fault between requests and it hits the next response, on a new or
 * a pooled connection alike; offsets count from the first byte of that response, headers included.
 *
 * <pre>{@code
 * try (NetemProxy proxy = NetemProxy.start(new InetSocketAddress("127.0.0.1", 5000),
 *         LinkProfile.symmetric(Duration.ofMillis(10), 200_000_000))) {
 *     String registry = "127.0.0.1:" + proxy.address().getPort();
 *     ...
 * }
 * }</pre>
 */
public final class NetemProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final LinkProfile profile;
    private final Faults faults = new Faults();
    private final TokenBucket upRate;
    private final TokenBucket downRate;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private NetemProxy(ServerSocket listener, InetSocketAddress target, LinkProfile profile) {
        this.listener = listener;
        this.target = target;
        this.profile = profile;
        this.upRate = profile.upBitsPerSecond() == 0 ? null
                : new TokenBucket(profile.upBitsPerSecond(), profile.burstBytes());
        this.downRate = profile.downBitsPerSecond() == 0 ? null
                : new TokenBucket(profile.downBitsPerSecond(), profile.burstBytes());
        this.acceptor = new Thread(this::acceptLoop, "netem-accept-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy on a free loopback port. */
    public static NetemProxy start(InetSocketAddress target, LinkProfile profile) throws IOException {
        return start(target, profile, 0);
    }

    /**
     * Starts a proxy on {@code 127.0.0.1:listenPort} ({@code 0}: a free port).
     *
     * @throws IOException if the port is taken; the message names it
     */
    public static NetemProxy start(InetSocketAddress target, LinkProfile profile, int listenPort) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(profile, "profile");
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("target " + target + " does not resolve; give an address such as"
                    + " 127.0.0.1:5000");
        }
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port " + listenPort + " is outside [0, 65535] (0: a free port)");
        }
        ServerSocket ss = new ServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
        } catch (IOException e) {
            ss.close();
            throw new IOException("cannot listen on 127.0.0.1:" + listenPort + " (" + e.getMessage() + "); choose"
                    + " another port, or 0 for a free one", e);
        }
        NetemProxy proxy = new NetemProxy(ss, target, profile);
        proxy.acceptor.start();
        return proxy;
    }

    /** Where clients connect: 127.0.0.1 and the listening port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
    }

    /** {@code 127.0.0.1:PORT}, as a registry host to put in an image reference. */
    public String hostPort() {
        return listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort();
    }

    public InetSocketAddress target() {
        return target;
    }

    public LinkProfile profile() {
        return profile;
    }

    /** Connections accepted since the start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections being relayed now. */
    public int openConnections() {
        return links.size();
    }

    /** The next response is not delivered: its connection is reset (RST to the client and to the target). */
    public void resetNext() {
        faults.armReset();
    }

    /** The next response is held for {@code stall} before its first byte, on top of the link's delay. */
    public void stallNext(Duration stall) {
        if (stall == null || stall.isNegative() || stall.compareTo(LinkProfile.MAX_DELAY) > 0) {
            throw new IllegalArgumentException("stall " + stall + " is outside [0, " + LinkProfile.MAX_DELAY.toSeconds()
                    + "s]");
        }
        faults.armStall(stall);
    }

    /** The next response is cut after {@code bytes} bytes: its connection closes (a FIN, so the client sees EOF). */
    public void truncateNextAfter(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("truncate after " + bytes + " bytes: give 0 or more bytes");
        }
        faults.armTruncate(bytes);
    }

    /** The byte at {@code offset} of the next response (headers included) is inverted (XOR 0xFF). */
    public void flipByteAt(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("flip byte at offset " + offset + ": give an offset of 0 or more");
        }
        faults.armFlip(offset);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (SocketException e) {
                return; // the listener was closed
            } catch (IOException e) {
                continue; // a connection failed while being accepted; the next may not
            }
            long n = accepted.incrementAndGet();
            Link link = new Link("netem-" + listener.getLocalPort() + "-" + n, client, target, profile, faults,
                    upRate, downRate, links::remove);
            links.add(link);
            if (closed) {
                link.close();
                return;
            }
            Thread opener = new Thread(link::open, link + "-open");
            opener.setDaemon(true);
            opener.start();
        }
    }

    /** Stops listening and closes every relayed connection. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // the listener is unusable either way
        }
        for (Link link : List.copyOf(links)) {
            link.close();
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "netem " + hostPort() + " -> " + target.getHostString() + ":" + target.getPort() + " ("
                + profile.describe() + ")";
    }
}
