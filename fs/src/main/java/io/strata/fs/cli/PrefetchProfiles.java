package io.strata.fs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The profile format of {@code strata record}, read by {@code strata mount --prefetch-profile} (and, with the same
 * rules, by {@code strata convert --prioritize}): UTF-8, one absolute path in the image per line, in the order the
 * files were first opened; blank lines and lines starting with {@code #} are ignored.
 */
final class PrefetchProfiles {

    private PrefetchProfiles() {
    }

    /** @throws IllegalArgumentException when the file is missing or a line is not an absolute path */
    static List<String> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("profile " + file + " does not exist (record one with strata record)");
        }
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith("/") || line.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("profile " + file + " line " + (i + 1) + ": '" + line
                        + "' is not an absolute path in the image (like /usr/bin/python3)");
            }
            paths.add(line);
        }
        return List.copyOf(paths);
    }

    /** Writes {@code paths} under a {@code #} header line (newlines in the header are flattened). */
    static void write(Path file, String header, List<String> paths) throws IOException {
        StringBuilder out = new StringBuilder("# ").append(header.replace('\n', ' ').replace('\r', ' ')).append('\n');
        for (String p : paths) {
            out.append(p).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
