package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.bench.Machine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {

    @TempDir
    Path dir;

    @Test
    void read_whatWriteWrote_isTheSameResults() throws Exception {
        List<RunResult> runs = List.of(
                new RunResult("img", "legacy", "w", 1, 2.5, 0.1, Map.of("pull", 2.0, "unpack", 0.5), 5, 1000, 0, 0,
                        "hello", null),
                new RunResult("img", "strata-estargz", "w", 1, 0, 0, Map.of(), 0, 0, 0, 0, null, "mount failed"));
        ColdStartResults written = new ColdStartResults("strata bench coldstart --quick", "2026-11-26T18:00:00Z", 42,
                Machine.probe(dir), "0.1 0.2 0.3", null, false,
                List.of(new ColdStartResults.Image("img", "test image", "oci:x:y", 2, 1000, Map.of("w", "echo"),
                        Map.of())),
                List.of(new ColdStartResults.ModeInfo("legacy", "pull")), runs, Summary.of(runs, Map.of("img", 1000L)));

        ResultFiles.write(written, dir);

        assertEquals(written, ResultFiles.read(dir)); // NaN of the failed mode's medians included
    }

    @Test
    void csvCell_commaQuoteOrNewline_isQuotedWithQuotesDoubled() {
        assertEquals("plain", ResultFiles.csvCell("plain"));
        assertEquals("\"a,b\"", ResultFiles.csvCell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ResultFiles.csvCell("say \"hi\""));
        assertEquals("\"two\nlines\"", ResultFiles.csvCell("two\nlines"));
    }
}
