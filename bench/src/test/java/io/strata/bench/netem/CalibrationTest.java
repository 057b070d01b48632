package io.strata.bench.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Calibration and the {@code netem} command, with wide bounds on the timings (a busy 2-core machine). */
class CalibrationTest {

    @Test
    void measure_twentyMsRttAt200Mbit_measuresAboutTheProfile() throws Exception {
        LinkProfile profile = LinkProfile.symmetric(Duration.ofMillis(10), 200_000_000);

        Calibration.Result r = Calibration.measure(profile, 9, 8 << 20);

        double rttMs = r.rttMedian().toNanos() / 1e6;
        assertTrue(rttMs >= 18 && rttMs <= 60, "median RTT " + rttMs + " ms");
        assertTrue(r.downBitsPerSecond() >= 120e6 && r.downBitsPerSecond() <= 220e6,
                "download " + r.downBitsPerSecond() / 1e6 + " Mbit/s");
        assertTrue(r.describe().contains("configured 20 ms"), r.describe());
    }

    @Test
    void netem_durationAndCalibrate_printsAddressThenCalibrationAndStops() throws Exception {
        StringWriter out = new StringWriter();
        try (LoopbackServers.Server server = LoopbackServers.echo()) {
            int code = command(out, new StringWriter()).execute("--target", "127.0.0.1:" + server.address().getPort(),
                    "--delay", "1ms", "--rate", "1gbit", "--calibrate", "--calibrate-size", "1M", "--round-trips", "3",
                    "--duration", "200ms");

            assertEquals(0, code, out.toString());
        }
        String[] lines = out.toString().split("\n");
        assertTrue(lines[0].matches("127\\.0\\.0\\.1:[0-9]+"), out.toString());
        assertTrue(out.toString().contains("RTT: "), out.toString());
        assertTrue(out.toString().contains("download: "), out.toString());
    }

    @Test
    void netem_badRate_usageErrorNamesTheFlag() {
        StringWriter err = new StringWriter();

        int code = command(new StringWriter(), err).execute("--target", "127.0.0.1:5000", "--rate", "200mbps");

        assertTrue(code != 0);
        assertTrue(err.toString().contains("--rate: '200mbps'"), err.toString());
    }

    @Test
    void netem_portTaken_failsNamingThePort() throws Exception {
        StringWriter err = new StringWriter();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int code = command(new StringWriter(), err).execute("--target", "127.0.0.1:5000", "--listen-port",
                    Integer.toString(taken.getLocalPort()), "--duration", "10ms");

            assertTrue(code != 0);
            assertTrue(err.toString().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err.toString());
        }
    }

    @Test
    void parseTarget_noPort_refused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NetemCommand.parseTarget("localhost"));
        assertTrue(e.getMessage().startsWith("--target: 'localhost'"), e.getMessage());
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine cli = new CommandLine(new NetemCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }
}
