package io.strata.bench.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartPngTest {

    /** The pixels of a colour's key in the legend: any more of that colour are its bars. */
    private static final int LEGEND_SWATCH = 12 * 12;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    Path tmp;

    @Test
    void write_twoGroupsOfThreeSeries_isAPngOfTheChartsSizeWithTheBarsOfASeries() throws Exception {
        Path png = tmp.resolve("grouped.png");
        List<String> series = List.of("plain", "fuse-overlayfs", "strata");
        new GroupedBarChart("title", series, List.of(
                new GroupedBarChart.Group("seq", List.of(1.0, 0.5, 2.5), List.of("2,000 MB/s", "1,000 MB/s", "5,000 MB/s")),
                new GroupedBarChart.Group("walk", List.of(1.0, Double.NaN, 0.8), List.of("10 /s", "n/a", "8 /s"))),
                "bar length: relative to plain").write(png);

        BufferedImage image = read(png);

        assertEquals(1100, image.getWidth());
        assertEquals(50 + 2 * (3 * (15 + 3) + 14) + 70, image.getHeight()); // top, two groups of three bars, legend
        // the second series: the first one's grey is also a shade of the antialiased grey text
        assertTrue(pixels(image, 0x4e79a7) > LEGEND_SWATCH, "the second series' blue is only in the legend: no bar drawn");
    }

    @Test
    void write_twoSectionsOfThreeBarsOneFailed_isAPngOfTheChartsSizeWithTheFirstSegments() throws Exception {
        Path png = tmp.resolve("stacked.png");
        new StackedBarChart("title", "subtitle", List.of("mount", "run"), "min–max", "seconds", List.of(
                new StackedBarChart.Section("hello", List.of(
                        new StackedBarChart.Bar("legacy", true, List.of(2.0, 0.5), 2.3, 2.9, "2.50 s"),
                        StackedBarChart.Bar.failed("strata", false))),
                new StackedBarChart.Section("python", List.of(
                        new StackedBarChart.Bar("legacy", true, List.of(2.0, 1.5), 3.3, 3.9, "3.50 s")))))
                .write(png);

        BufferedImage image = read(png);

        assertEquals(1100, image.getWidth());
        assertEquals(110 + 2 * 30 + 3 * 24 + 60, image.getHeight()); // header, two section headings, three bars, axis
        assertTrue(pixels(image, 0x4C72B0) > LEGEND_SWATCH, "the first segment's blue is only in the legend: no bar drawn");
    }

    private static BufferedImage read(Path png) throws Exception {
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(Files.readAllBytes(png), PNG_SIGNATURE.length));
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable image: " + png);
        return image;
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
