package io.strata.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark report: the machine, how it was measured, and tables of cases. Rendered as Markdown for people
 * (median with p10/p90) and as JSON for tools (every measured repetition).
 */
final class Report {

    /**
     * One case: {@code leading} cells that say what was measured, its rates in {@code unit}, and {@code
     * trailing} cells derived from them (another unit, a ratio to the baseline).
     */
    record Row(String id, List<String> leading, Samples samples, List<String> trailing) {
        Row {
            leading = List.copyOf(leading);
            trailing = List.copyOf(trailing);
        }
    }

    /** Rows with the same columns; the header names the leading cells, the unit and the trailing cells. */
    record Table(String title, String note, List<String> leadingHeaders, String unit, List<String> trailingHeaders,
                 List<Row> rows) {
        Table {
            leadingHeaders = List.copyOf(leadingHeaders);
            trailingHeaders = List.copyOf(trailingHeaders);
            rows = List.copyOf(rows);
            for (Row r : rows) {
                if (r.leading().size() != leadingHeaders.size() || r.trailing().size() != trailingHeaders.size()) {
                    throw new IllegalArgumentException("row " + r.id() + " does not have the columns of table " + title);
                }
            }
        }
    }

    private final String title;
    private final Machine machine;
    private final Map<String, String> settings;
    private final List<Table> tables = new ArrayList<>();

    /** @param settings how the benchmark ran (repetitions, page cache...), shown under the machine */
    Report(String title, Machine machine, Map<String, String> settings) {
        this.title = title;
        this.machine = machine;
        this.settings = new LinkedHashMap<>(settings);
    }

    /** Adds or replaces a line under the machine, e.g. something known only after the run. */
    void setting(String key, String value) {
        settings.put(key, value);
    }

    void add(Table table) {
        tables.add(table);
    }

    List<Table> tables() {
        return List.copyOf(tables);
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n| machine | |\n|---|---|\n");
        line(sb, "CPUs (nproc)", Integer.toString(machine.cpus()));
        line(sb, "CPU", machine.cpuModel());
        line(sb, "memory", machine.memoryBytes() > 0 ? Machine.human(machine.memoryBytes()) : "unknown");
        line(sb, "kernel", machine.kernel());
        line(sb, "JVM", machine.jvm() + ", max heap " + Machine.human(machine.maxHeapBytes()));
        line(sb, "directory", machine.directory() + " (" + machine.filesystem() + ")");
        line(sb, "load average at start (1/5/15 min)", machine.loadAverage());
        settings.forEach((k, v) -> line(sb, k, v));
        for (Table t : tables) {
            sb.append("\n## ").append(t.title()).append("\n\n");
            if (!t.note().isEmpty()) {
                sb.append(t.note()).append("\n\n");
            }
            List<String> headers = new ArrayList<>(t.leadingHeaders());
            headers.add(t.unit() + " (median)");
            headers.add("p10");
            headers.add("p90");
            headers.addAll(t.trailingHeaders());
            sb.append("| ").append(String.join(" | ", headers)).append(" |\n|");
            for (int i = 0; i < headers.size(); i++) {
                sb.append(i < t.leadingHeaders().size() ? "---|" : "---:|");
            }
            sb.append('\n');
            for (Row r : t.rows()) {
                List<String> cells = new ArrayList<>(r.leading());
                cells.add(number(r.samples().median()));
                cells.add(number(r.samples().percentile(10)));
                cells.add(number(r.samples().percentile(90)));
                cells.addAll(r.trailing());
                sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
            }
        }
        return sb.toString();
    }

    /** Writes everything, with every measured repetition, as JSON to {@code file}. */
    void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        root.put("machine", machine);
        root.put("settings", settings);
        List<Object> jsonTables = new ArrayList<>();
        for (Table t : tables) {
            List<Object> rows = new ArrayList<>();
            for (Row r : t.rows()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", r.id());
                for (int i = 0; i < r.leading().size(); i++) {
                    row.put(t.leadingHeaders().get(i), r.leading().get(i));
                }
                row.put("unit", t.unit());
                row.put("median", r.samples().median());
                row.put("p10", r.samples().percentile(10));
                row.put("p90", r.samples().percentile(90));
                row.put("samples", r.samples().values());
                for (int i = 0; i < r.trailing().size(); i++) {
                    row.put(t.trailingHeaders().get(i), r.trailing().get(i));
                }
                rows.add(row);
            }
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("title", t.title());
            table.put("note", t.note());
            table.put("rows", rows);
            jsonTables.add(table);
        }
        root.put("tables", jsonTables);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new IOException("cannot write the JSON report to " + file + ": " + e.getMessage()
                    + "; check --json", e);
        }
    }

    /** Three significant digits at least, no exponent: 1,234,567 / 12,345 / 123 / 12.3 / 1.23. */
    static String number(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** A ratio to a baseline, e.g. {@code 0.42×}. */
    static String ratio(double value, double baseline) {
        return baseline > 0 ? String.format(Locale.ROOT, "%.2f×", value / baseline) : "n/a";
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }
}
