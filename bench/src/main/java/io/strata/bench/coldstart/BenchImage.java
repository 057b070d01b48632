package io.strata.bench.coldstart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image under test and the workloads to run in it.
 *
 * @param name        short name for tables, files and the private registry's repository ({@code bench/<name>})
 * @param source      where it comes from: {@code oci:DIR:TAG} (an OCI layout, built-in images included) or a
 *                    registry reference, as {@code strata copy} reads it
 * @param description what is in it, for the report
 * @param recipe      the built-in recipe that makes it, or null for a user's image
 * @param workloads   what to run in it
 */
record BenchImage(String name, String source, String description, Recipe recipe, List<Workload> workloads) {

    BenchImage {
        workloads = List.copyOf(workloads);
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("image " + name + " has no workload to run; give --workload or"
                    + " --command");
        }
    }

    /**
     * Parses an {@code --image} value: a built-in recipe's name ({@code python}), an OCI layout ({@code DIR:TAG} or
     * {@code oci:DIR:TAG}), or a registry reference ({@code host/repo:tag}). Only built-in images have default
     * workloads; {@code workloads}, when not empty, replaces them (keeping, for built-in images, those that make
     * sense there).
     */
    static BenchImage parse(String text, List<Workload> workloads) {
        var recipe = Recipe.named(text);
        if (recipe.isPresent()) {
            Recipe r = recipe.get();
            List<Workload> chosen = workloads.isEmpty() ? r.workloads()
                    : workloads.stream().filter(w -> r.workloads().contains(w) || !isBuiltIn(w)).toList();
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("--image " + text + ": none of the workloads given runs in it;"
                        + " it runs " + r.workloads().stream().map(Workload::name).toList());
            }
            return new BenchImage(r.imageName(), null, r.description(), r, chosen);
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("--image " + text + " is not a built-in image (" + Recipe.names()
                    + "): say what to run in it with --workload or --command NAME=COMMAND");
        }
        String layout = text.startsWith("oci:") ? text.substring(4) : text;
        int colon = layout.lastIndexOf(':');
        String dir = colon > 0 ? layout.substring(0, colon) : layout;
        if (Files.isRegularFile(Path.of(dir, "index.json"))) {
            String tag = colon > 0 ? layout.substring(colon + 1) : "latest";
            return new BenchImage(sanitize(Path.of(dir).getFileName() + "-" + tag), "oci:" + dir + ":" + tag,
                    "OCI layout " + dir + ":" + tag, null, workloads);
        }
        if (text.startsWith("oci:") || text.startsWith("/") || text.startsWith(".")) {
            throw new IllegalArgumentException("--image " + text + ": " + dir + " is not an OCI layout (no index.json)");
        }
        String last = text.substring(text.lastIndexOf('/') + 1);
        return new BenchImage(sanitize(last), text, "registry image " + text, null, workloads);
    }

    /** The same image, found at {@code source} (a built-in image once its layout is built). */
    BenchImage withSource(String newSource) {
        return new BenchImage(name, newSource, description, recipe, workloads);
    }

    private static boolean isBuiltIn(Workload w) {
        return Workload.builtInNames().contains(w.name()) && Workload.builtIn(w.name()).equals(w);
    }

    /** Lower-case letters, digits and dashes: a repository name and a file name. */
    static String sanitize(String s) {
        String clean = s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return clean.isEmpty() ? "image" : clean;
    }
}
