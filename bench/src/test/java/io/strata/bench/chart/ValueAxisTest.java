package io.strata.bench.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ValueAxisTest {

    @Test
    void niceStep_anyMaximum_isOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(2.0, ValueAxis.niceStep(8.2), 1e-9);
        assertEquals(0.5, ValueAxis.niceStep(2.4), 1e-9);
        assertEquals(20.0, ValueAxis.niceStep(95), 1e-9);
        assertEquals(0.05, ValueAxis.niceStep(0.25), 1e-9);
        assertEquals(1.0, ValueAxis.niceStep(0), 1e-9);
    }

    @Test
    void x_largestValueBetweenTicks_axisEndsAtTheNextTick() {
        ValueAxis axis = new ValueAxis(100, 8.2); // ticks every 2: the axis ends at 10

        assertEquals(100, axis.x(0));
        assertEquals(100 + (ChartCanvas.AXIS_END - 100) / 2, axis.x(5));
        assertEquals(ChartCanvas.AXIS_END, axis.x(10));
        assertEquals(100, axis.x(-1)); // clamped: a bar never starts left of 0
    }
}
