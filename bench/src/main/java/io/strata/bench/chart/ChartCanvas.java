package io.strata.bench.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The white canvas a chart is drawn on, its PNG, and what every chart kind draws on it alike besides the
 * {@link ValueAxis}: text and legend keys. A chart kind draws its own bars through {@link #graphics()}, then
 * {@link #writePng}.
 */
final class ChartCanvas implements AutoCloseable {

    /** One width for every chart, so that the charts of a results directory line up when viewed one under another. */
    static final int WIDTH = 1100;
    /** Where the value axis ends: the width after it holds the label written after the longest bar. */
    static final int AXIS_END = WIDTH - 190;
    static final Color TEXT = new Color(0x222222);
    static final Color GRID = new Color(0xE0E0E0);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int LEGEND_GAP = 24;

    private final BufferedImage image;
    private final Graphics2D g;

    ChartCanvas(int height) {
        System.setProperty("java.awt.headless", "true"); // a benchmark host has no display; drawing needs none
        image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
    }

    Graphics2D graphics() {
        return g;
    }

    void text(String text, Font font, Color colour, int x, int baseline) {
        g.setFont(font);
        g.setColor(colour);
        g.drawString(text, x, baseline);
    }

    /** The colour of the {@code series}th series: colours repeat after the last of {@code palette}. */
    static Color seriesColour(Color[] palette, int series) {
        return palette[series % palette.length];
    }

    /** A legend key per series: its colour's swatch and its name; returns where the next key starts. */
    int seriesKeys(Color[] palette, List<String> series, int x, int baseline) {
        int next = x;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(seriesColour(palette, s));
            g.fillRect(next, baseline - 10, 12, 12);
            next = legendText(series.get(s), next + 16, baseline);
        }
        return next;
    }

    /** A legend key: a short line, as a chart draws a range, and what the range is; returns where the next key starts. */
    int lineKey(String meaning, int x, int baseline) {
        g.setColor(TEXT);
        g.drawLine(x, baseline - 5, x + 20, baseline - 5);
        return legendText(meaning, x + 26, baseline);
    }

    /** Text in the legend's line; returns where the next key starts. */
    int legendText(String text, int x, int baseline) {
        text(text, LEGEND_FONT, TEXT, x, baseline);
        return x + g.getFontMetrics().stringWidth(text) + LEGEND_GAP;
    }

    void writePng(Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM; cannot write " + file);
        }
    }

    @Override
    public void close() {
        g.dispose();
    }
}
