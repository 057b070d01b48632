package io.strata.bench.chart;

import java.awt.Graphics2D;
import java.util.Locale;

/**
 * The horizontal value axis of a bar chart: 0 at its start, a round maximum at {@link ChartCanvas#AXIS_END}, a tick
 * every {@link #niceStep nice step} with a gridline across the bars and the value under it.
 */
final class ValueAxis {

    private final int start;
    private final double step;
    private final double max;
    private final String tickFormat;

    /**
     * @param start   the x of 0
     * @param largest the largest value a bar or mark reaches: the axis ends at the first tick at or after it
     */
    ValueAxis(int start, double largest) {
        this.start = start;
        step = niceStep(largest);
        max = Math.max(step, Math.ceil(largest / step) * step);
        // as many decimals as the step has, so that no two ticks print alike (0.05 would round to 0.1 with one)
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-6));
        tickFormat = "%." + decimals + "f";
    }

    /** Where {@code value} is, clamped to the axis' start. */
    int x(double value) {
        return start + (int) Math.round((ChartCanvas.AXIS_END - start) * Math.max(0, value) / max);
    }

    /** Draws each tick's gridline from {@code top} to {@code bottom} and its value under {@code bottom}. */
    void draw(Graphics2D g, int top, int bottom) {
        g.setFont(ChartCanvas.TICK_FONT);
        for (int i = 0; i * step <= max + 1e-9; i++) {
            double tick = i * step;
            int x = x(tick);
            g.setColor(ChartCanvas.GRID);
            g.drawLine(x, top, x, bottom);
            g.setColor(ChartCanvas.TEXT);
            String label = String.format(Locale.ROOT, tickFormat, tick);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 15);
        }
    }

    /** 1, 2 or 5 times a power of ten, giving 4 to 10 ticks. */
    static double niceStep(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 6;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }
}
