package io.strata.bench.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.bench.netem.LinkProfile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdStartCommandTest {

    @Test
    void parseLink_delayAndRate_isTheSameBothWays() {
        LinkProfile p = ColdStartCommand.parseLink("10ms,200mbit");

        assertEquals(Duration.ofMillis(20), p.rtt());
        assertEquals(200_000_000, p.downBitsPerSecond());
        assertEquals(200_000_000, p.upBitsPerSecond());
    }

    @Test
    void parseLink_none_isNoLink() {
        assertNull(ColdStartCommand.parseLink("none"));
    }

    @Test
    void parseLink_missingRate_namesTheFlagAndAnExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ColdStartCommand.parseLink("10ms"));

        assertTrue(e.getMessage().contains("--link") && e.getMessage().contains("10ms,200mbit"), e.getMessage());
    }

    @Test
    void reproduceCommand_afterTheSubcommand_quotesWhatTheShellWouldSplit() {
        assertEquals("strata bench coldstart --image python --command 'app=python3 -c '\\''print(1)'\\'''",
                ColdStartCommand.reproduceCommand(List.of("bench", "coldstart", "--image", "python", "--command",
                        "app=python3 -c 'print(1)'")));
    }

    @Test
    void imageParse_builtInWithWorkloadItCannotRun_saysWhatItRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchImage.parse("python", List.of(Workload.JAVA_HELLO)));

        assertTrue(e.getMessage().contains("python-hello"), e.getMessage());
    }

    @Test
    void imageParse_builtInWithSomeWorkloads_keepsThoseItRuns() {
        BenchImage image = BenchImage.parse("jdk", List.of(Workload.JAVA_HELLO, Workload.PYTHON_HELLO));

        assertEquals(List.of(Workload.JAVA_HELLO), image.workloads());
    }

    @Test
    void imageParse_registryImageWithoutWorkload_asksForOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchImage.parse("registry.example/app:1", List.of()));

        assertTrue(e.getMessage().contains("--command"), e.getMessage());
    }

    @Test
    void workloadCustom_withoutCommand_showsTheForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.custom("app="));

        assertTrue(e.getMessage().contains("NAME=COMMAND"), e.getMessage());
    }

    @Test
    void modesParse_unknownMode_listsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Modes.parse(List.of("strata-fast")));

        assertTrue(e.getMessage().contains("strata-estargz-optimized"), e.getMessage());
    }

    @Test
    void modesParse_anyOrder_isReportOrderWithLegacyFirst() {
        assertEquals(List.of("legacy", "strata-warm"),
                Modes.parse(List.of("strata-warm", "legacy")).stream().map(Mode::name).toList());
    }
}
