package io.strata.bench.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A grouped horizontal bar chart: one group per case, one bar per series, lengths relative to a reference drawn as a
 * dashed line at 1.0, each bar labelled with its absolute value.
 *
 * @param series names of the series, in bar order; each has a colour of its own
 * @param note   what the bar lengths are, written after the legend
 */
public record GroupedBarChart(String title, List<String> series, List<Group> groups, String note) {

    /**
     * One group of bars.
     *
     * @param values one length per series, relative to the reference (NaN: not drawn)
     * @param labels one text per series, drawn after its bar
     */
    public record Group(String name, List<Double> values, List<String> labels) {
        public Group {
            values = List.copyOf(values);
            labels = List.copyOf(labels);
        }
    }

    private static final Color[] COLOURS = {new Color(0x9e9e9e), new Color(0x4e79a7), new Color(0xf28e2b),
        new Color(0x59a14f), new Color(0xb07aa1), new Color(0xe15759)};
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font GROUP_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Stroke DASHED =
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
    /** Left of it, the group names. */
    private static final int AXIS_START = 120;
    private static final int TOP = 50;
    private static final int BAR = 15;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 14;
    private static final int BOTTOM = 70;

    public GroupedBarChart {
        series = List.copyOf(series);
        groups = List.copyOf(groups);
    }

    public void write(Path png) throws IOException {
        int barsHeight = series.size() * (BAR + BAR_GAP);
        int groupHeight = barsHeight + GROUP_GAP;
        int plotBottom = TOP + groups.size() * groupHeight;
        // the axis reaches the reference even when every bar is shorter
        double largest = 1.0;
        for (Group group : groups) {
            for (double v : group.values()) {
                if (Double.isFinite(v)) {
                    largest = Math.max(largest, v);
                }
            }
        }
        ValueAxis axis = new ValueAxis(AXIS_START, largest);
        try (ChartCanvas canvas = new ChartCanvas(plotBottom + BOTTOM)) {
            canvas.text(title, TITLE_FONT, ChartCanvas.TEXT, AXIS_START, 25);
            Graphics2D g = canvas.graphics();
            axis.draw(g, TOP - 5, plotBottom);
            Stroke solid = g.getStroke();
            g.setColor(ChartCanvas.TEXT);
            g.setStroke(DASHED);
            g.drawLine(axis.x(1), TOP - 8, axis.x(1), plotBottom);
            g.setStroke(solid);
            int y = TOP;
            for (Group group : groups) {
                canvas.text(group.name(), GROUP_FONT, ChartCanvas.TEXT, 8, y + barsHeight / 2 + 4);
                drawBars(canvas, axis, group, y);
                y += groupHeight;
            }
            int afterKeys = canvas.seriesKeys(COLOURS, series, AXIS_START, plotBottom + 40);
            canvas.legendText(note, afterKeys, plotBottom + 40);
            canvas.writePng(png);
        }
    }

    private void drawBars(ChartCanvas canvas, ValueAxis axis, Group group, int top) {
        Graphics2D g = canvas.graphics();
        for (int s = 0; s < series.size(); s++) {
            double v = s < group.values().size() ? group.values().get(s) : Double.NaN;
            if (Double.isFinite(v)) {
                int y = top + s * (BAR + BAR_GAP);
                int end = axis.x(v);
                g.setColor(ChartCanvas.seriesColour(COLOURS, s));
                g.fillRect(AXIS_START, y, Math.max(1, end - AXIS_START), BAR);
                canvas.text(group.labels().get(s), LABEL_FONT, Color.DARK_GRAY, end + 4, y + BAR - 3);
            }
        }
    }
}
