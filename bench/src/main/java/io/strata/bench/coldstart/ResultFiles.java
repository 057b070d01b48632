package io.strata.bench.coldstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the machine-readable results: {@code results.json} (everything) and {@code runs.csv} (one line a run). */
final class ResultFiles {

    static final String JSON = "results.json";
    static final String CSV = "runs.csv";

    static final List<String> CSV_HEADER = List.of("image", "mode", "workload", "repetition", "mount_s", "run_s",
            "total_s", "pull_s", "unpack_s", "mount_requests", "mount_bytes", "run_requests", "run_bytes", "requests",
            "bytes", "ok", "output", "error");

    private ResultFiles() {
    }

    static void write(ColdStartResults results, Path dir) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(JSON).toFile(), results);
        StringBuilder csv = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (RunResult r : results.runs()) {
            List<String> cells = List.of(r.image(), r.mode(), r.workload(), Integer.toString(r.repetition()),
                    seconds(r.mountSeconds()), seconds(r.runSeconds()), seconds(r.totalSeconds()),
                    r.detail().containsKey("pull") ? seconds(r.detail().get("pull")) : "",
                    r.detail().containsKey("unpack") ? seconds(r.detail().get("unpack")) : "",
                    Long.toString(r.mountRequests()), Long.toString(r.mountBytes()), Long.toString(r.runRequests()),
                    Long.toString(r.runBytes()), Long.toString(r.requests()), Long.toString(r.bytes()),
                    Boolean.toString(r.ok()), r.output() == null ? "" : r.output(), r.error() == null ? "" : r.error());
            csv.append(String.join(",", cells.stream().map(ResultFiles::csvCell).toList())).append('\n');
        }
        Files.writeString(dir.resolve(CSV), csv, StandardCharsets.UTF_8);
    }

    /** The results of an earlier run, from its {@code results.json}. */
    static ColdStartResults read(Path dir) throws IOException {
        try {
            return new ObjectMapper().readValue(dir.resolve(JSON).toFile(), ColdStartResults.class);
        } catch (IOException e) {
            throw new IOException("cannot read " + dir.resolve(JSON) + " (" + e.getMessage() + "); was it written by"
                    + " this version of strata bench coldstart?", e);
        }
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
    static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
