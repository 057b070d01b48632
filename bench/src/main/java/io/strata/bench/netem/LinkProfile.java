package io.strata.bench.netem;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an emulated link looks like, per direction: "up" is client to target, "down" is target to client.
 * Immutable and validated at construction; {@link #parse} builds one from command-line flags and names the flag
 * of any bad value.
 *
 * @param upDelay          one-way delay of bytes from the client to the target
 * @param downDelay        one-way delay of bytes from the target to the client
 * @param upBitsPerSecond  rate of the client-to-target direction in bits/s, 0 for unlimited
 * @param downBitsPerSecond rate of the target-to-client direction in bits/s, 0 for unlimited
 * @param burstBytes       size of each direction's token bucket: how many bytes may leave at once after the
 *                         link was idle
 */
public record LinkProfile(Duration upDelay, Duration downDelay, long upBitsPerSecond, long downBitsPerSecond,
                          int burstBytes) {

    /** 64 KiB: about one TCP window of a loopback socket, so an idle link does not send a large burst. */
    public static final int DEFAULT_BURST_BYTES = 64 * 1024;

    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    static final long MIN_RATE = 8_000;                    // 1 kB/s: slower links make every benchmark time out
    static final long MAX_RATE = 1_000_000_000_000L;       // 1 Tbit/s: beyond what loopback relays
    static final int MIN_BURST = 1024;
    static final int MAX_BURST = 64 << 20;

    private static final Pattern DELAY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(us|ms|s)?");
    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(bit|kbit|mbit|gbit|tbit)?");
    // after the bounds above: the constructor checks against them
    /** No delay, no rate limit: the proxy only relays. */
    public static final LinkProfile UNLIMITED = new LinkProfile(Duration.ZERO, Duration.ZERO, 0, 0,
            DEFAULT_BURST_BYTES);

    public LinkProfile {
        checkDelay("up delay", upDelay);
        checkDelay("down delay", downDelay);
        checkRate("up rate", upBitsPerSecond);
        checkRate("down rate", downBitsPerSecond);
        if (burstBytes < MIN_BURST || burstBytes > MAX_BURST) {
            throw new IllegalArgumentException("burst " + burstBytes + " bytes is outside [" + MIN_BURST + ", "
                    + MAX_BURST + "]; the default " + DEFAULT_BURST_BYTES + " suits most links");
        }
    }

    /** The same delay and rate both ways ({@code rateBitsPerSecond} 0: unlimited), default burst. */
    public static LinkProfile symmetric(Duration oneWayDelay, long rateBitsPerSecond) {
        return new LinkProfile(oneWayDelay, oneWayDelay, rateBitsPerSecond, rateBitsPerSecond, DEFAULT_BURST_BYTES);
    }

    /**
     * Builds a profile from the text of command-line flags; {@code null} means the flag was not given.
     * {@code --up-delay}/{@code --down-delay} override {@code --delay}, {@code --up-rate}/{@code --down-rate}
     * override {@code --rate}; absent delays are 0 and absent rates unlimited.
     *
     * @throws IllegalArgumentException naming the flag whose value is bad, with an example of a good one
     */
    public static LinkProfile parse(String delay, String rate, String upDelay, String downDelay, String upRate,
                                    String downRate, int burstBytes) {
        Duration both = delay == null ? Duration.ZERO : parseDelay("--delay", delay);
        long bothRate = rate == null ? 0 : parseRate("--rate", rate);
        return new LinkProfile(
                upDelay == null ? both : parseDelay("--up-delay", upDelay),
                downDelay == null ? both : parseDelay("--down-delay", downDelay),
                upRate == null ? bothRate : parseRate("--up-rate", upRate),
                downRate == null ? bothRate : parseRate("--down-rate", downRate),
                burstBytes);
    }

    /** The round-trip time the profile adds: up delay plus down delay. */
    public Duration rtt() {
        return upDelay.plus(downDelay);
    }

    /**
     * Parses a one-way delay as {@code tc netem} writes it: a number and a unit {@code us}, {@code ms} or
     * {@code s} ({@code 10ms}, {@code 0.5ms}, {@code 1s}); a bare {@code 0} is no delay.
     */
    public static Duration parseDelay(String flag, String text) {
        Matcher m = text == null ? null : DELAY.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches() || (m.group(2) == null && new BigDecimal(m.group(1)).signum() != 0)) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a delay; write a number with a unit"
                    + " us, ms or s, e.g. 10ms or 0.5ms (or 0 for none)");
        }
        long nanosPerUnit = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_DELAY.toNanos())) > 0) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is longer than the maximum delay of "
                    + MAX_DELAY.toSeconds() + "s");
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /**
     * Parses a rate as {@code tc} writes it, in bits per second with decimal units: {@code 200mbit},
     * {@code 1.5gbit}, {@code 500kbit}; a bare {@code 0} means unlimited. {@code bps} units are refused because
     * tc reads them as bytes per second, which is easy to get wrong by a factor of 8.
     */
    public static long parseRate(String flag, String text) {
        Matcher m = text == null ? null : RATE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches() || (m.group(2) == null && new BigDecimal(m.group(1)).signum() != 0)) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is not a rate; write bits per second with a"
                    + " unit bit, kbit, mbit or gbit (powers of 1000), e.g. 200mbit or 1.5gbit (or 0 for unlimited)");
        }
        long perUnit = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "bit" -> 1L;
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            case "gbit" -> 1_000_000_000L;
            default -> 1_000_000_000_000L;
        };
        BigDecimal bits = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(perUnit));
        long rate;
        try {
            rate = bits.setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            rate = Long.MAX_VALUE;
        }
        if (rate != 0 && (rate < MIN_RATE || rate > MAX_RATE)) {
            throw new IllegalArgumentException(flag + ": '" + text + "' is outside the rates the proxy emulates, "
                    + MIN_RATE / 1000 + "kbit to " + MAX_RATE / 1_000_000_000 + "gbit (or 0 for unlimited)");
        }
        return rate;
    }

    /** E.g. {@code up 10 ms, 200 Mbit/s; down 10 ms, 200 Mbit/s}. */
    public String describe() {
        return "up " + delayText(upDelay) + ", " + rateText(upBitsPerSecond) + "; down " + delayText(downDelay)
                + ", " + rateText(downBitsPerSecond);
    }

    static String delayText(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 6).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                + " ms";
    }

    static String rateText(double bitsPerSecond) {
        if (bitsPerSecond == 0) {
            return "unlimited";
        }
        return bitsPerSecond >= 1e9 ? String.format(Locale.ROOT, "%.3g Gbit/s", bitsPerSecond / 1e9)
                : bitsPerSecond >= 1e6 ? String.format(Locale.ROOT, "%.3g Mbit/s", bitsPerSecond / 1e6)
                : String.format(Locale.ROOT, "%.3g kbit/s", bitsPerSecond / 1e3);
    }

    private static void checkDelay(String what, Duration d) {
        if (d == null || d.isNegative() || d.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(what + " " + d + " is outside [0, " + MAX_DELAY.toSeconds() + "s]");
        }
    }

    private static void checkRate(String what, long rate) {
        if (rate != 0 && (rate < MIN_RATE || rate > MAX_RATE)) {
            throw new IllegalArgumentException(what + " " + rate + " bit/s is outside [" + MIN_RATE + ", " + MAX_RATE
                    + "] (0 means unlimited)");
        }
    }
}
