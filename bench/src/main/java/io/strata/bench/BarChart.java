package io.strata.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped horizontal bar chart as a PNG, drawn with Java2D (headless, no chart library: the bench jar is thin and
 * runs beside strata.jar). One group per case, one bar per series, lengths relative to a reference drawn as a
 * dashed line at 1.0, each bar labelled with its absolute value.
 */
final class BarChart {

    /**
     * One group of bars.
     *
     * @param values one length per series, relative to the reference (NaN: not drawn)
     * @param labels one text per series, drawn after its bar
     */
    record Group(String name, List<Double> values, List<String> labels) {
        Group {
            values = List.copyOf(values);
            labels = List.copyOf(labels);
        }
    }

    private static final Color[] COLORS = {new Color(0x9e9e9e), new Color(0x4e79a7), new Color(0xf28e2b),
        new Color(0x59a14f), new Color(0xb07aa1), new Color(0xe15759)};
    private static final int WIDTH = 1100;
    private static final int LEFT = 120;
    private static final int RIGHT = 190;
    private static final int TOP = 50;
    private static final int BAR = 15;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 14;
    private static final int BOTTOM = 70;

    private BarChart() {
    }

    /** Draws {@code groups} (one bar per name of {@code series} in each) into the PNG {@code file}. */
    static void write(Path file, String title, List<Group> groups, List<String> series) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a benchmark host has no display; drawing needs none
        int groupHeight = series.size() * (BAR + BAR_GAP) + GROUP_GAP;
        int height = TOP + groups.size() * groupHeight + BOTTOM;
        double max = 1.0;
        for (Group g : groups) {
            for (double v : g.values()) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = Math.ceil(max * 4) / 4;
        int plotWidth = WIDTH - LEFT - RIGHT;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g2.setColor(Color.WHITE);
            g2.fillRect(0, 0, WIDTH, height);
            g2.setColor(Color.BLACK);
            g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g2.drawString(title, LEFT, 25);
            g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int plotBottom = TOP + groups.size() * groupHeight;
            double step = max <= 2 ? 0.25 : max <= 5 ? 0.5 : 1;
            for (double x = 0; x <= max + 1e-9; x += step) {
                int px = LEFT + (int) Math.round(x / max * plotWidth);
                g2.setColor(new Color(0xe0e0e0));
                g2.drawLine(px, TOP - 5, px, plotBottom);
                g2.setColor(Color.DARK_GRAY);
                g2.drawString(String.format(Locale.ROOT, "%.2f", x), px - 12, plotBottom + 15);
            }
            int one = LEFT + (int) Math.round(1 / max * plotWidth);
            g2.setColor(Color.BLACK);
            g2.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g2.drawLine(one, TOP - 8, one, plotBottom);
            g2.setStroke(new BasicStroke(1));
            int y = TOP;
            for (Group g : groups) {
                g2.setColor(Color.BLACK);
                g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
                g2.drawString(g.name(), 8, y + (series.size() * (BAR + BAR_GAP)) / 2 + 4);
                g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                for (int s = 0; s < series.size(); s++) {
                    double v = s < g.values().size() ? g.values().get(s) : Double.NaN;
                    int by = y + s * (BAR + BAR_GAP);
                    if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                        int len = (int) Math.round(v / max * plotWidth);
                        g2.setColor(COLORS[s % COLORS.length]);
                        g2.fillRect(LEFT, by, Math.max(1, len), BAR);
                        g2.setColor(Color.DARK_GRAY);
                        g2.drawString(g.labels().get(s), LEFT + len + 4, by + BAR - 3);
                    }
                }
                y += groupHeight;
            }
            int lx = LEFT;
            int ly = plotBottom + 40;
            g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int s = 0; s < series.size(); s++) {
                g2.setColor(COLORS[s % COLORS.length]);
                g2.fillRect(lx, ly - 10, 12, 12);
                g2.setColor(Color.BLACK);
                g2.drawString(series.get(s), lx + 16, ly);
                lx += 16 + g2.getFontMetrics().stringWidth(series.get(s)) + 24;
            }
            g2.drawString("bar length: median / plain directory's median (dashed line = 1.0)", lx + 10, ly);
        } finally {
            g2.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM; cannot write " + file);
        }
    }
}
