package io.strata.bench.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A horizontal stacked bar chart in sections: each bar is its segments laid end to end, one colour per series, with
 * a thin line over its spread (what the bar stands for varied from min to max) and a label after its end.
 *
 * @param subtitle   a line under the title: how the numbers were measured
 * @param series     names of the segments, in stacking order; each has a colour of its own
 * @param spreadName what the spread line is, for the legend
 * @param unit       the unit of the values, written under the end of the axis
 */
public record StackedBarChart(String title, String subtitle, List<String> series, String spreadName, String unit,
                              List<Section> sections) {

    /** Bars under a heading. */
    public record Section(String name, List<Bar> bars) {
        public Section {
            bars = List.copyOf(bars);
        }
    }

    /**
     * One bar.
     *
     * @param emphasised written in bold: the baseline the other bars compare with
     * @param segments   one length per series (a bar without segments is only its label, in red: see {@link #failed})
     * @param label      written after the bar and its spread
     */
    public record Bar(String name, boolean emphasised, List<Double> segments, double spreadMin, double spreadMax,
                      String label) {
        public Bar {
            segments = List.copyOf(segments);
        }

        /** A bar that has no value because what it measures failed. */
        public static Bar failed(String name, boolean emphasised) {
            return new Bar(name, emphasised, List.of(), Double.NaN, Double.NaN, "failed");
        }

        /** The largest value the bar or its spread reaches, 0 for a failed bar. */
        double reach() {
            double end = segments.stream().mapToDouble(Double::doubleValue).sum();
            return Math.max(end, Double.isNaN(spreadMax) ? 0 : spreadMax);
        }
    }

    private static final Color[] COLOURS = {new Color(0x4C72B0), new Color(0xDD8452)};
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font SECTION_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    private static final int LABEL_X = 20;
    /** Left of it, the section headings and bar names. */
    private static final int AXIS_START = 260;
    private static final int TOP = 110;
    private static final int ROW = 24;
    private static final int SECTION = 30;
    private static final int BOTTOM = 60;

    public StackedBarChart {
        series = List.copyOf(series);
        sections = List.copyOf(sections);
    }

    public void write(Path png) throws IOException {
        int bars = sections.stream().mapToInt(s -> s.bars().size()).sum();
        int height = TOP + sections.size() * SECTION + bars * ROW + BOTTOM;
        int axisBottom = height - 45;
        ValueAxis axis = new ValueAxis(AXIS_START, sections.stream().flatMap(s -> s.bars().stream())
                .mapToDouble(Bar::reach).max().orElse(0));
        try (ChartCanvas canvas = new ChartCanvas(height)) {
            canvas.text(title, TITLE_FONT, ChartCanvas.TEXT, LABEL_X, 30);
            canvas.text(subtitle, SUBTITLE_FONT, ChartCanvas.TEXT, LABEL_X, 52);
            canvas.lineKey(spreadName, canvas.seriesKeys(COLOURS, series, LABEL_X, 83), 83);
            axis.draw(canvas.graphics(), TOP - 8, axisBottom);
            canvas.text(unit, ChartCanvas.TICK_FONT, ChartCanvas.TEXT, ChartCanvas.AXIS_END - 40, axisBottom + 32);
            int y = TOP;
            for (Section section : sections) {
                canvas.text(section.name(), SECTION_FONT, ChartCanvas.TEXT, LABEL_X, y + SECTION - 8);
                y += SECTION;
                for (Bar bar : section.bars()) {
                    drawBar(canvas, axis, bar, y);
                    y += ROW;
                }
            }
            canvas.writePng(png);
        }
    }

    private static void drawBar(ChartCanvas canvas, ValueAxis axis, Bar bar, int top) {
        Font font = new Font(Font.SANS_SERIF, bar.emphasised() ? Font.BOLD : Font.PLAIN, 12);
        int baseline = top + 14;
        canvas.text(bar.name(), font, ChartCanvas.TEXT, LABEL_X + 12, baseline);
        if (bar.segments().isEmpty()) {
            canvas.text(bar.label(), font, Color.RED, AXIS_START + 4, baseline);
            return;
        }
        Graphics2D g = canvas.graphics();
        double value = 0;
        int end = axis.x(0);
        for (int s = 0; s < bar.segments().size(); s++) {
            int start = end;
            value += bar.segments().get(s);
            end = axis.x(value);
            g.setColor(ChartCanvas.seriesColour(COLOURS, s));
            g.fillRect(start, top + 3, Math.max(1, end - start), ROW - 8);
        }
        int middle = top + ROW / 2 - 1;
        g.setColor(ChartCanvas.TEXT);
        g.drawLine(axis.x(bar.spreadMin()), middle, axis.x(bar.spreadMax()), middle);
        canvas.text(bar.label(), font, ChartCanvas.TEXT, Math.max(end, axis.x(bar.spreadMax())) + 6, baseline);
    }
}
