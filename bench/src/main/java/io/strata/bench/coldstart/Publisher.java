package io.strata.bench.coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pushes an image to the private registry in every {@link Format} the chosen modes need, with the strata commands a
 * user would run: {@code copy}, {@code index}, {@code convert}, and {@code record} + {@code convert --prioritize}
 * for each workload. Works against the registry directly, not through the emulated link: preparing is not timed.
 */
final class Publisher {

    /**
     * An image in the private registry.
     *
     * @param repository   {@code bench/<name>}
     * @param layerBytes   the plain image's layers, compressed: what a full pull fetches (the "% of image" base)
     * @param layers       the plain image's layer count
     * @param profileFiles for eStargz-optimized images, how many files each workload's profile lists
     */
    record Published(String repository, long layerBytes, int layers, java.util.Map<String, Integer> profileFiles) {

        /** The reference of the image in {@code format} on {@code host} ({@code workload} for optimized ones). */
        String ref(String host, Format format, Workload workload) {
            return host + "/" + repository + ":" + switch (format) {
                case PLAIN, INDEXED -> "plain";
                case ESTARGZ -> "estargz";
                case ESTARGZ_OPTIMIZED -> "estargz-opt-" + workload.name();
            };
        }
    }

    private final StrataCli strata;
    private final String host;
    private final Path workDir;
    private final PrintWriter log;

    /**
     * @param host    the registry's own address
     * @param workDir for caches and profiles of the preparation
     */
    Publisher(StrataCli strata, String host, Path workDir, PrintWriter log) {
        this.strata = strata;
        this.host = host;
        this.workDir = workDir;
        this.log = log;
    }

    Published publish(BenchImage image, Set<Format> formats) throws IOException {
        Published p = new Published("bench/" + image.name(), 0, 0, new java.util.LinkedHashMap<>());
        String cache = Files.createDirectories(workDir.resolve("prepare-cache")).toString();
        String plain = p.ref(host, Format.PLAIN, null);
        step("push " + image.source() + " as " + plain);
        strata.check("copy", image.source(), plain);
        JsonNode manifest = manifest(plain);
        long bytes = 0;
        int layers = 0;
        for (JsonNode layer : manifest.path("layers")) {
            bytes += layer.path("size").asLong();
            layers++;
        }
        if (layers == 0) {
            throw new IOException("the manifest of " + plain + " lists no layers");
        }
        if (formats.contains(Format.INDEXED)) {
            step("publish a lazy index next to it (strata index)");
            strata.check("index", "--cache-dir", cache, plain);
        }
        if (formats.contains(Format.ESTARGZ)) {
            step("convert it to eStargz (strata convert)");
            strata.check("convert", "--cache-dir", cache, plain, p.ref(host, Format.ESTARGZ, null));
        }
        java.util.Map<String, Integer> profiles = new java.util.LinkedHashMap<>();
        if (formats.contains(Format.ESTARGZ_OPTIMIZED)) {
            for (Workload w : image.workloads()) {
                Path profile = workDir.resolve("profile-" + w.name());
                step("record what " + w.name() + " opens (strata record), convert with those files first");
                List<String> record = new ArrayList<>(List.of("record", "--cache-dir", cache, "-o",
                        profile.toString(), plain, "--"));
                record.addAll(w.recordCommand());
                Proc.Result r = strata.run(record.toArray(String[]::new));
                if (!r.ok() || !w.accepts(r.output())) {
                    throw new IOException("recording " + w.name() + " in " + plain + " failed (exit status "
                            + r.exitCode() + "):\n" + Proc.tail(r.output()));
                }
                profiles.put(w.name(), (int) Files.readAllLines(profile).stream().filter(l -> !l.isBlank()).count());
                strata.check("convert", "--cache-dir", cache, "--prioritize", profile.toString(), plain,
                        p.ref(host, Format.ESTARGZ_OPTIMIZED, w));
            }
        }
        return new Published(p.repository(), bytes, layers, profiles);
    }

    /** The plain image's manifest, straight from the registry (strata copy pushed one manifest, not an index). */
    private static JsonNode manifest(String ref) throws IOException {
        int slash = ref.indexOf('/');
        int colon = ref.lastIndexOf(':');
        URI uri = URI.create("http://" + ref.substring(0, slash) + "/v2/" + ref.substring(slash + 1, colon)
                + "/manifests/" + ref.substring(colon + 1));
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestProperty("Accept", "application/vnd.oci.image.manifest.v1+json,"
                + " application/vnd.docker.distribution.manifest.v2+json");
        c.setConnectTimeout(10_000);
        c.setReadTimeout(60_000);
        try (InputStream in = c.getInputStream()) {
            return new ObjectMapper().readTree(in);
        } finally {
            c.disconnect();
        }
    }

    private void step(String what) {
        log.println("  " + what);
        log.flush();
    }
}
