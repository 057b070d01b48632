package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void median_unsortedOddCount_isTheMiddleValue() {
        assertEquals(30, new Samples(new double[] {50, 10, 30, 40, 20}).median(), 1e-9);
    }

    @Test
    void percentile_fiveSamples_interpolatesBetweenOrderStatistics() {
        Samples s = new Samples(new double[] {50, 10, 30, 40, 20});

        // rank = p/100 * (n - 1): p10 -> 0.4 between 10 and 20; p90 -> 3.6 between 40 and 50
        assertEquals(14, s.percentile(10), 1e-9);
        assertEquals(46, s.percentile(90), 1e-9);
        assertEquals(10, s.percentile(0), 1e-9);
        assertEquals(50, s.percentile(100), 1e-9);
    }

    @Test
    void percentile_oneSample_isThatSample() {
        Samples s = new Samples(new double[] {7});

        assertEquals(7, s.percentile(10), 1e-9);
        assertEquals(7, s.percentile(90), 1e-9);
    }

    @Test
    void percentile_outOfRange_throws() {
        Samples s = new Samples(new double[] {1, 2});

        assertThrows(IllegalArgumentException.class, () -> s.percentile(101));
    }

    @Test
    void new_noValues_throwsNamingTheRepetitions() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Samples(new double[0]));
        assertTrue(e.getMessage().contains("repetition"), e.getMessage());
    }

    @Test
    void values_changedByCaller_doNotChangeTheSamples() {
        double[] v = {1, 2, 3};
        Samples s = new Samples(v);
        v[0] = 100;
        s.values()[1] = 100;

        assertArrayEquals(new double[] {1, 2, 3}, s.values());
        assertEquals(new Samples(new double[] {2, 4, 6}).median(), s.scaled(2).median(), 1e-9);
    }
}
