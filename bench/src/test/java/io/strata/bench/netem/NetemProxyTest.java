package io.strata.bench.netem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The proxy against loopback echo and sender servers. The timing assertions have wide bounds (a busy
 * 2-core machine must not fail them); what they catch is a delay line that serializes or drops the delay,
 * and a bucket that does not pace.
 */
class NetemProxyTest {

    private static final LinkProfile TEN_MS = LinkProfile.symmetric(Duration.ofMillis(10), 0);

    @Test
    void relay_unlimitedProfile_deliversBytesIntact() throws Exception {
        byte[] body = random(4 << 20, 1);
        try (LoopbackServers.Server server = LoopbackServers.sender(body);
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED);
             Socket s = connect(proxy)) {
            byte[] got = s.getInputStream().readAllBytes();

            assertEquals(body.length, got.length);
            assertArrayEquals(sha256(body), sha256(got));
        }
    }

    @Test
    void relay_tenMsEachWay_roundTripIsAboutTwentyMs() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), TEN_MS);
             Socket s = connect(proxy)) {
            ping(s); // the first pays for the emulated handshake
            long[] rtts = new long[9];
            for (int i = 0; i < rtts.length; i++) {
                long t0 = System.nanoTime();
                ping(s);
                rtts[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtts);
            double medianMs = rtts[rtts.length / 2] / 1e6;

            assertTrue(medianMs >= 18 && medianMs <= 60, "median RTT " + medianMs + " ms, expected about 20");
        }
    }

    @Test
    void relay_newConnection_firstRoundTripAlsoPaysTheHandshake() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), TEN_MS)) {
            long t0 = System.nanoTime();
            try (Socket s = connect(proxy)) {
                ping(s);
            }
            double ms = (System.nanoTime() - t0) / 1e6;

            assertTrue(ms >= 38 && ms <= 120, "connect + first round trip took " + ms + " ms, expected about 40");
        }
    }

    @Test
    void relay_pipelinedRequests_doNotSerializeTheDelay() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), TEN_MS);
             Socket s = connect(proxy)) {
            ping(s);
            long t0 = System.nanoTime();
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 10; i++) { // ten writes in flight at once: one RTT in all, not ten
                out.write('x');
                Thread.sleep(1);
            }
            InputStream in = s.getInputStream();
            for (int i = 0; i < 10; i++) {
                assertEquals('x', in.read());
            }
            double ms = (System.nanoTime() - t0) / 1e6;

            assertTrue(ms < 100, "ten pipelined round trips took " + ms + " ms, a serializing delay line ~200");
        }
    }

    @Test
    void relay_hundredMbit_throughputNearTheRate() throws Exception {
        byte[] body = random(8 << 20, 2);
        try (LoopbackServers.Server server = LoopbackServers.sender(body);
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.symmetric(Duration.ZERO, 100_000_000));
             Socket s = connect(proxy)) {
            long t0 = System.nanoTime();
            byte[] got = s.getInputStream().readAllBytes();
            double bitsPerSecond = got.length * 8 * 1e9 / (System.nanoTime() - t0);

            assertEquals(body.length, got.length);
            assertTrue(bitsPerSecond >= 60e6 && bitsPerSecond <= 110e6, "measured " + bitsPerSecond / 1e6 + " Mbit/s");
        }
    }

    @Test
    void relay_twoConnectionsAtOnce_shareTheRate() throws Exception {
        byte[] body = random(4 << 20, 3);
        try (LoopbackServers.Server server = LoopbackServers.sender(body);
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.symmetric(Duration.ZERO, 100_000_000));
             Socket a = connect(proxy);
             Socket b = connect(proxy)) {
            long t0 = System.nanoTime();
            var other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return b.getInputStream().readAllBytes().length;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int total = a.getInputStream().readAllBytes().length + other.get();
            double bitsPerSecond = total * 8 * 1e9 / (System.nanoTime() - t0);

            assertEquals(2 * body.length, total);
            // one link: 8 MiB in ~0.67 s; a rate per connection would have let it through twice as fast
            assertTrue(bitsPerSecond <= 115e6, "measured " + bitsPerSecond / 1e6 + " Mbit/s over two connections");
        }
    }

    @Test
    void relay_clientHalfCloses_serverSeesEofAndAnswerStillArrives() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), TEN_MS);
             Socket s = connect(proxy)) {
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();

            // the echo server answers only its EOF with its own shutdownOutput: both half-closes went through
            assertEquals("hello", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void resetNext_nextResponse_clientGetsIOException() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED);
             Socket s = connect(proxy)) {
            ping(s);
            proxy.resetNext();
            s.getOutputStream().write('x');

            assertThrows(IOException.class, () -> s.getInputStream().read());
        }
    }

    @Test
    void truncateNextAfter_thousandBytes_eofAfterExactlyThose() throws Exception {
        byte[] body = random(1 << 20, 3);
        try (LoopbackServers.Server server = LoopbackServers.sender(body);
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED)) {
            proxy.truncateNextAfter(1000);
            try (Socket s = connect(proxy)) {
                byte[] got = s.getInputStream().readAllBytes();

                assertArrayEquals(Arrays.copyOf(body, 1000), got);
            }
        }
    }

    @Test
    void flipByteAt_offset_exactlyThatByteDiffers() throws Exception {
        byte[] body = random(1 << 20, 4);
        long offset = 700_001;
        try (LoopbackServers.Server server = LoopbackServers.sender(body);
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED)) {
            proxy.flipByteAt(offset);
            try (Socket s = connect(proxy)) {
                byte[] got = s.getInputStream().readAllBytes();

                assertEquals(body.length, got.length);
                for (int i = 0; i < body.length; i++) {
                    byte expected = i == offset ? (byte) (body[i] ^ 0xFF) : body[i];
                    assertEquals(expected, got[i], "byte " + i);
                }
            }
            try (Socket s = connect(proxy)) { // claimed once: the next response is intact
                assertArrayEquals(body, s.getInputStream().readAllBytes());
            }
        }
    }

    @Test
    void stallNext_twoHundredMs_holdsOnlyTheNextResponse() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED);
             Socket s = connect(proxy)) {
            ping(s);
            proxy.stallNext(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            ping(s);
            double stalledMs = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            ping(s);
            double nextMs = (System.nanoTime() - t1) / 1e6;

            assertTrue(stalledMs >= 195, "stalled round trip took " + stalledMs + " ms");
            assertTrue(nextMs < 150, "the round trip after the stall took " + nextMs + " ms");
        }
    }

    @Test
    void close_openConnection_clientSeesTheEnd() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             Socket s = new Socket()) {
            NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED);
            try (proxy) {
                s.connect(proxy.address(), 2_000);
                s.setSoTimeout(5_000);
                ping(s);
                assertEquals(1, proxy.openConnections());
            }
            assertEquals(0, proxy.openConnections());
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException e) {
                r = -1;
            }
            assertEquals(-1, r);
        }
    }

    @Test
    void relay_targetDown_clientConnectionEnds() throws Exception {
        java.net.InetSocketAddress gone;
        try (LoopbackServers.Server server = LoopbackServers.echo()) {
            gone = server.address();
        }
        try (NetemProxy proxy = NetemProxy.start(gone, LinkProfile.UNLIMITED)) {
            // The proxy closes the client's connection as soon as the upstream connect fails, which can land
            // while the client is still connecting (a reset), on its write, or on its read (EOF): all three end it.
            assertThrows(IOException.class, () -> {
                try (Socket s = connect(proxy)) {
                    s.getOutputStream().write('x');
                    if (s.getInputStream().read() < 0) {
                        throw new IOException("EOF");
                    }
                }
            });
        }
    }

    @Test
    void faults_badArguments_areRefused() throws Exception {
        try (LoopbackServers.Server server = LoopbackServers.echo();
             NetemProxy proxy = NetemProxy.start(server.address(), LinkProfile.UNLIMITED)) {
            assertThrows(IllegalArgumentException.class, () -> proxy.truncateNextAfter(-1));
            assertThrows(IllegalArgumentException.class, () -> proxy.flipByteAt(-5));
            assertThrows(IllegalArgumentException.class, () -> proxy.stallNext(Duration.ofMillis(-1)));
        }
    }

    private static Socket connect(NetemProxy proxy) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(proxy.address(), 2_000);
        s.setSoTimeout(10_000); // a hung relay fails the test instead of hanging the build
        return s;
    }

    private static void ping(Socket s) throws IOException {
        s.getOutputStream().write('p');
        assertEquals('p', s.getInputStream().read());
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] b) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
