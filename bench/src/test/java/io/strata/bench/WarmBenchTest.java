package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The options of {@code strata bench warm} that fail before anything is built (no root needed). */
class WarmBenchTest {

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    @Test
    void warm_strataJarMissing_failsAsUsageNamingTheFlag() {
        Path missing = tmp.resolve("missing.jar");

        int code = run("warm", "--quick", "--dir", tmp.toString(), "--strata-jar", missing.toString());

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--strata-jar: " + missing + " is not a file"), err.toString());
    }

    @Test
    void warm_unknownFormat_failsAsUsageNamingTheFlag() {
        int code = run("warm", "--quick", "--dir", tmp.toString(), "--format", "zip");

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--format is estargz or tar, got 'zip'"), err.toString());
    }

    @Test
    void warm_malformedSize_failsAsUsageNamingTheFlag() {
        int code = run("warm", "--dir", tmp.toString(), "--big-file-size", "huge");

        assertEquals(BenchMain.USAGE, code);
        assertTrue(err.toString().contains("--big-file-size: 'huge' is not a size"), err.toString());
    }

    private int run(String... args) {
        CommandLine cli = BenchMain.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
