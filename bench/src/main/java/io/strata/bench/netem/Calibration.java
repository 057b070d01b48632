package io.strata.bench.netem;

import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what an emulated link delivers, so that a report can show measured RTT and throughput next to the
 * configured ones: ping round trips of one byte, then one bulk download, over one connection through a
 * {@link NetemProxy} to a loopback {@link CalibrationServer} that answers at once.
 */
public final class Calibration {

    /**
     * What a calibration measured.
     *
     * @param profile           the configured link
     * @param roundTrips        timed pings (after one untimed ping that pays for the emulated handshake)
     * @param rttMedian         median ping round trip
     * @param rttP10            10th percentile of the round trips
     * @param rttP90            90th percentile of the round trips
     * @param bulkBytes         size of the download
     * @param downBitsPerSecond the download's bits over its time minus one median RTT (the request's trip and
     *                          the first byte's), i.e. the rate of the link's bottleneck
     */
    public record Result(LinkProfile profile, int roundTrips, Duration rttMedian, Duration rttP10, Duration rttP90,
                         long bulkBytes, double downBitsPerSecond) {

        /** Two lines for a terminal or a report, measured next to configured. */
        public String describe() {
            return String.format(Locale.ROOT, "RTT: %s median (p10 %s, p90 %s) over %d round trips; configured %s%n"
                            + "download: %s over %.1f MiB; configured %s",
                    LinkProfile.delayText(rttMedian), LinkProfile.delayText(rttP10), LinkProfile.delayText(rttP90),
                    roundTrips, LinkProfile.delayText(profile.rtt()), LinkProfile.rateText(downBitsPerSecond),
                    bulkBytes / 1048576.0, LinkProfile.rateText(profile.downBitsPerSecond()));
        }
    }

    private Calibration() {
    }

    /** Starts a calibration server and a proxy with {@code profile} in front of it, measures, closes both. */
    public static Result measure(LinkProfile profile, int roundTrips, long bulkBytes) throws IOException {
        try (CalibrationServer server = new CalibrationServer();
             NetemProxy proxy = NetemProxy.start(server.address(), profile)) {
            return measure(proxy.address(), profile, roundTrips, bulkBytes);
        }
    }

    /**
     * Measures through {@code proxyAddress}, which must lead to a calibration server (see
     * {@link #measure(LinkProfile, int, long)}).
     */
    static Result measure(InetSocketAddress proxyAddress, LinkProfile profile, int roundTrips, long bulkBytes)
            throws IOException {
        if (roundTrips < 1 || bulkBytes < 1) {
            throw new IllegalArgumentException("a calibration needs at least 1 round trip and 1 byte to download,"
                    + " got " + roundTrips + " and " + bulkBytes);
        }
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(proxyAddress, 5_000);
            s.setSoTimeout(60_000); // a broken proxy fails the calibration rather than hanging it
            InputStream in = s.getInputStream();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            ping(in, out); // pays for the emulated TCP handshake, which would skew the first sample
            long[] rtts = new long[roundTrips];
            for (int i = 0; i < roundTrips; i++) {
                long t0 = System.nanoTime();
                ping(in, out);
                rtts[i] = System.nanoTime() - t0;
            }
            Arrays.sort(rtts);
            long median = percentile(rtts, 50);

            long t0 = System.nanoTime();
            out.write(CalibrationServer.BULK);
            out.writeLong(bulkBytes);
            out.flush();
            byte[] buf = new byte[256 * 1024];
            for (long left = bulkBytes; left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("the calibration download ended after " + (bulkBytes - left) + " of "
                            + bulkBytes + " bytes");
                }
                left -= n;
            }
            long transfer = Math.max(1, System.nanoTime() - t0 - median);
            return new Result(profile, roundTrips, Duration.ofNanos(median), Duration.ofNanos(percentile(rtts, 10)),
                    Duration.ofNanos(percentile(rtts, 90)), bulkBytes, bulkBytes * 8 * 1e9 / transfer);
        }
    }

    private static void ping(InputStream in, DataOutputStream out) throws IOException {
        out.write(CalibrationServer.PING);
        out.flush();
        if (in.read() != CalibrationServer.PING) {
            throw new IOException("the calibration server did not answer a ping; is the proxy's target a"
                    + " calibration server?");
        }
    }

    /** Linear interpolation between the nearest order statistics of {@code sorted}. */
    private static long percentile(long[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return Math.round(sorted[below] + (rank - below) * (sorted[above] - sorted[below]));
    }
}
