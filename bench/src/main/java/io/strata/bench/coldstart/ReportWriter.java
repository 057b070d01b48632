package io.strata.bench.coldstart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes every file of a results directory: JSON, CSV, a chart per image and the Markdown report. */
final class ReportWriter {

    static final String REPORT = "report.md";

    private ReportWriter() {
    }

    static void write(ColdStartResults results, Path dir) throws IOException {
        ResultFiles.write(results, dir);
        for (ColdStartResults.Image image : results.images()) {
            ColdStartChart.write(results, image.name(), dir.resolve(chartFile(image.name())));
        }
        Files.writeString(dir.resolve(REPORT), MarkdownReport.render(results, ReportWriter::chartFile),
                StandardCharsets.UTF_8);
    }

    static String chartFile(String image) {
        return "coldstart-" + image + ".png";
    }
}
