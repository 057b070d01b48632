package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResultFilesTest {

    @Test
    void csvCell_commaQuoteOrNewline_isQuotedWithQuotesDoubled() {
        assertEquals("plain", ResultFiles.csvCell("plain"));
        assertEquals("\"a,b\"", ResultFiles.csvCell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ResultFiles.csvCell("say \"hi\""));
        assertEquals("\"two\nlines\"", ResultFiles.csvCell("two\nlines"));
    }

    @Test
    void niceStep_anyMaximum_isOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(2.0, BarChart.niceStep(8.2), 1e-9);
        assertEquals(0.5, BarChart.niceStep(2.4), 1e-9);
        assertEquals(20.0, BarChart.niceStep(95), 1e-9);
        assertEquals(1.0, BarChart.niceStep(0), 1e-9);
    }
}
