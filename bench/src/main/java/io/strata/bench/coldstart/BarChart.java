package io.strata.bench.coldstart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The chart of one image, drawn with plain Java2D (headless): a horizontal bar per workload and mode, stacked as
 * pull/mount then run (medians), like stargz-snapshotter's HelloBench chart, with the total and the share of the
 * image fetched at the end of each bar.
 */
final class BarChart {

    private static final int WIDTH = 1100;
    private static final int LABEL_X = 20;
    private static final int BAR_X = 260;
    private static final int BAR_END = WIDTH - 190;
    private static final int ROW = 24;
    private static final int GROUP = 30;
    private static final Color MOUNT = new Color(0x4C72B0);
    private static final Color RUN = new Color(0xDD8452);
    private static final Color GRID = new Color(0xE0E0E0);
    private static final Color TEXT = new Color(0x222222);

    private BarChart() {
    }

    /** Writes the chart of {@code image}'s summaries as a PNG. */
    static void write(ColdStartResults results, String image, Path png) throws IOException {
        Map<String, List<Summary>> byWorkload = new LinkedHashMap<>();
        for (Summary s : results.summary()) {
            if (s.image().equals(image)) {
                byWorkload.computeIfAbsent(s.workload(), k -> new java.util.ArrayList<>()).add(s);
            }
        }
        int rows = byWorkload.values().stream().mapToInt(List::size).sum();
        int top = 110;
        int height = top + byWorkload.size() * GROUP + rows * ROW + 60;
        // the axis reaches the slowest repetition, so that every min–max line fits
        double max = results.summary().stream().filter(s -> s.image().equals(image))
                .mapToDouble(s -> Double.isNaN(s.total().max()) ? 0 : s.total().max()).max().orElse(1);
        double step = niceStep(max);
        double axisMax = Math.max(step, Math.ceil(max / step) * step);

        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("Cold start of " + image + ": pull/mount + run (median seconds)", LABEL_X, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(subtitle(results), LABEL_X, 52);
            legend(g, LABEL_X, 72);

            int bottom = height - 45;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double t = 0; t <= axisMax + 1e-9; t += step) {
                int x = x(t, axisMax);
                g.setColor(GRID);
                g.drawLine(x, top - 8, x, bottom);
                g.setColor(TEXT);
                String label = String.format(Locale.ROOT, step < 1 ? "%.1f" : "%.0f", t);
                g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 15);
            }
            g.drawString("seconds", BAR_END - 40, bottom + 32);

            int y = top;
            for (var e : byWorkload.entrySet()) {
                g.setColor(TEXT);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                y += GROUP - 8;
                g.drawString(e.getKey(), LABEL_X, y);
                y += 8;
                for (Summary s : e.getValue()) {
                    bar(g, s, y, axisMax);
                    y += ROW;
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JVM: cannot write " + png);
        }
    }

    private static void bar(Graphics2D g, Summary s, int y, double axisMax) {
        g.setFont(new Font(Font.SANS_SERIF, s.mode().equals(Modes.BASELINE) ? Font.BOLD : Font.PLAIN, 12));
        g.setColor(TEXT);
        g.drawString(s.mode(), LABEL_X + 12, y + 14);
        if (Double.isNaN(s.total().median())) {
            g.setColor(Color.RED);
            g.drawString("failed", BAR_X + 4, y + 14);
            return;
        }
        int x0 = x(0, axisMax);
        int xm = x(s.mount().median(), axisMax);
        int xt = x(s.mount().median() + s.run().median(), axisMax);
        g.setColor(MOUNT);
        g.fillRect(x0, y + 3, Math.max(1, xm - x0), ROW - 8);
        g.setColor(RUN);
        g.fillRect(xm, y + 3, Math.max(1, xt - xm), ROW - 8);
        // the spread of the totals, as a thin line from min to max
        g.setColor(TEXT);
        g.setStroke(new BasicStroke(1f));
        int ymid = y + ROW / 2 - 1;
        g.drawLine(x(s.total().min(), axisMax), ymid, x(s.total().max(), axisMax), ymid);
        String label = String.format(Locale.ROOT, "%.2f s", s.total().median())
                + (Double.isNaN(s.percentOfImage()) ? "" : String.format(Locale.ROOT, "  %.1f %% fetched", s.percentOfImage()));
        g.drawString(label, Math.max(xt, x(s.total().max(), axisMax)) + 6, y + 14);
    }

    /** The link and the repetitions, short enough for the chart's width. */
    static String subtitle(ColdStartResults r) {
        ColdStartResults.Link l = r.link();
        String link = l == null ? "no emulated link (loopback)" : String.format(Locale.ROOT,
                "link RTT %.0f ms, %.0f Mbit/s (measured %.1f ms, %.0f Mbit/s)", l.configuredRttMs(), l.configuredMbit(),
                l.measuredRttMs(), l.measuredMbit());
        int reps = r.runs().stream().mapToInt(RunResult::repetition).max().orElse(0);
        return link + "; median of " + reps + (reps == 1 ? " run" : " runs") + "; page cache dropped before each; "
                + r.machine().cpus() + " CPUs";
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(MOUNT);
        g.fillRect(x, y, 14, 12);
        g.setColor(TEXT);
        g.drawString("pull + unpack / mount", x + 20, y + 11);
        g.setColor(RUN);
        g.fillRect(x + 180, y, 14, 12);
        g.setColor(TEXT);
        g.drawString("run", x + 200, y + 11);
        g.drawLine(x + 250, y + 6, x + 270, y + 6);
        g.drawString("min–max of the totals", x + 276, y + 11);
    }

    private static int x(double seconds, double axisMax) {
        return BAR_X + (int) Math.round((BAR_END - BAR_X) * Math.max(0, seconds) / axisMax);
    }

    /** 1, 2 or 5 times a power of ten, giving 4 to 10 ticks. */
    static double niceStep(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 6;
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * pow >= raw) {
                return m * pow;
            }
        }
        return 10 * pow;
    }
}
