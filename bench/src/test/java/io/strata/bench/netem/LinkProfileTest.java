package io.strata.bench.netem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkProfileTest {

    @Test
    void parse_symmetricFlags_sameBothWays() {
        LinkProfile p = LinkProfile.parse("10ms", "200mbit", null, null, null, null, LinkProfile.DEFAULT_BURST_BYTES);

        assertEquals(new LinkProfile(Duration.ofMillis(10), Duration.ofMillis(10), 200_000_000, 200_000_000,
                65536), p);
        assertEquals(Duration.ofMillis(20), p.rtt());
        assertEquals("up 10 ms, 200 Mbit/s; down 10 ms, 200 Mbit/s", p.describe());
    }

    @Test
    void parse_perDirectionFlags_overrideSymmetricOnes() {
        LinkProfile p = LinkProfile.parse("10ms", "1gbit", "0.5ms", null, "500kbit", null, 4096);

        assertEquals(Duration.ofNanos(500_000), p.upDelay());
        assertEquals(Duration.ofMillis(10), p.downDelay());
        assertEquals(500_000, p.upBitsPerSecond());
        assertEquals(1_000_000_000, p.downBitsPerSecond());
    }

    @Test
    void parse_noFlags_unlimited() {
        assertEquals(LinkProfile.UNLIMITED, LinkProfile.parse(null, null, null, null, null, null, 65536));
    }

    @Test
    void parseDelay_units_convertToNanos() {
        assertEquals(Duration.ofNanos(250_000), LinkProfile.parseDelay("--delay", "250us"));
        assertEquals(Duration.ofSeconds(1), LinkProfile.parseDelay("--delay", "1s"));
        assertEquals(Duration.ZERO, LinkProfile.parseDelay("--delay", "0"));
    }

    @Test
    void parseDelay_badText_messageNamesTheFlag() {
        for (String bad : new String[] {"10", "ten ms", "-1ms", "10 min", "61s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LinkProfile.parseDelay("--up-delay", bad));
            assertTrue(e.getMessage().startsWith("--up-delay: '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void parseRate_bytesPerSecondOrOutOfRange_refusedNamingTheFlag() {
        for (String bad : new String[] {"200mbps", "200", "1bit", "2tbit", "fast"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LinkProfile.parseRate("--down-rate", bad));
            assertTrue(e.getMessage().startsWith("--down-rate: '" + bad + "'"), e.getMessage());
        }
        assertEquals(1_500_000_000, LinkProfile.parseRate("--rate", "1.5GBit"));
        assertEquals(0, LinkProfile.parseRate("--rate", "0"));
    }

    @Test
    void constructor_badBurstOrNegativeDelay_refused() {
        assertThrows(IllegalArgumentException.class, () -> new LinkProfile(Duration.ZERO, Duration.ZERO, 0, 0, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new LinkProfile(Duration.ofMillis(-1), Duration.ZERO, 0, 0, 65536));
    }
}
