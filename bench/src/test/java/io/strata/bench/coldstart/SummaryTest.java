package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void of_repetitions_mediansMinMaxAndRatioToLegacy() {
        List<RunResult> runs = List.of(
                run("legacy", 1, 4.0, 1.0, 1000), run("strata-estargz", 1, 1.0, 0.5, 50),
                run("legacy", 2, 6.0, 1.0, 1000), run("strata-estargz", 2, 2.0, 0.5, 70),
                run("legacy", 3, 5.0, 1.0, 1000), run("strata-estargz", 3, 1.5, 0.5, 60));

        List<Summary> s = Summary.of(runs, Map.of("img", 1000L));

        Summary legacy = s.get(0);
        Summary lazy = s.get(1);
        assertEquals("legacy", legacy.mode());
        assertEquals(6.0, legacy.total().median(), 1e-9);
        assertEquals(5.0, legacy.total().min(), 1e-9);
        assertEquals(7.0, legacy.total().max(), 1e-9);
        assertEquals(100.0, legacy.percentOfImage(), 1e-9);
        assertEquals(2.0, lazy.total().median(), 1e-9);
        assertEquals(2.0 / 6.0, lazy.ratioToLegacy(), 1e-9);
        assertEquals(6.0, lazy.percentOfImage(), 1e-9);
    }

    @Test
    void of_failedRepetition_isCountedButNotInTheMedians() {
        RunResult failed = new RunResult("img", "legacy", "w", 2, 99, 99, Map.of(), 1, 1, 1, 1, null, "boom");

        Summary s = Summary.of(List.of(run("legacy", 1, 4.0, 1.0, 10), failed), Map.of()).get(0);

        assertEquals(2, s.runs());
        assertEquals(1, s.failed());
        assertEquals(5.0, s.total().median(), 1e-9);
        assertTrue(Double.isNaN(s.percentOfImage()));
    }

    private static RunResult run(String mode, int rep, double mount, double run, long bytes) {
        return new RunResult("img", mode, "w", rep, mount, run, Map.of(), 2, bytes / 2, 3, bytes - bytes / 2, "hello",
                null);
    }
}
