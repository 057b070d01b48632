package io.strata.fetcher.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Renders a {@link ResolvedImage} for {@code strata inspect}: a human table or JSON. How each layer is
 * served (its "index" column) comes from a function so the layer code can report eStargz or indexed gzip
 * without this class knowing the formats.
 */
public final class ImageInspector {

    /** What a layer without any lazy index gets: Strata streams it once, whole, and caches it. */
    public static final Function<Descriptor, String> WHOLE_LAYER =
            layer -> "whole (no lazy index; fetched once and cached)";

    private final Function<Descriptor, String> layerFormat;

    /** @param layerFormat describes how a layer is served, e.g. {@link #WHOLE_LAYER} */
    public ImageInspector(Function<Descriptor, String> layerFormat) {
        this.layerFormat = Objects.requireNonNull(layerFormat, "layerFormat");
    }

    /** An inspector that reports every layer as {@link #WHOLE_LAYER}. */
    public static ImageInspector wholeLayers() {
        return new ImageInspector(WHOLE_LAYER);
    }

    /** A table for people: the image's identity, then one row per layer, bottom to top. */
    public String renderTable(ResolvedImage image) {
        StringBuilder out = new StringBuilder();
        line(out, "reference", image.ref().toString());
        if (image.indexDigest() != null) {
            line(out, "index", image.indexDigest().toString());
        }
        line(out, "manifest", image.manifestDigest() + " (" + image.manifestMediaType() + ")");
        line(out, "platform", image.platform().toString());
        Descriptor config = image.manifest().config();
        line(out, "config", config.digest() + " (" + humanSize(config.size()) + ")");
        long total = image.layers().stream().mapToLong(Descriptor::size).sum();
        line(out, "layers", image.layers().size() + " (" + humanSize(total) + " compressed)");
        out.append('\n');

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "DIGEST", "MEDIA TYPE", "SIZE", "DIFF_ID", "INDEX"});
        for (int i = 0; i < image.layers().size(); i++) {
            Descriptor layer = image.layers().get(i);
            rows.add(new String[] {
                String.valueOf(i), layer.digest().shortForm(), layer.mediaType(), humanSize(layer.size()),
                image.diffIds().get(i).shortForm(), layerFormat.apply(layer)});
        }
        appendColumns(out, rows);
        return out.toString();
    }

    /** The same facts as JSON, for scripts. */
    public String renderJson(ResolvedImage image) {
        ObjectNode root = ManifestParser.json().createObjectNode();
        root.put("reference", image.ref().toString());
        if (image.indexDigest() != null) {
            root.put("indexDigest", image.indexDigest().toString());
        }
        root.put("manifestDigest", image.manifestDigest().toString());
        root.put("manifestMediaType", image.manifestMediaType());
        root.put("platform", image.platform().toString());
        root.set("config", ManifestParser.json().valueToTree(image.manifest().config()));
        ArrayNode layers = root.putArray("layers");
        for (int i = 0; i < image.layers().size(); i++) {
            Descriptor layer = image.layers().get(i);
            ObjectNode node = layers.addObject();
            node.put("index", i);
            node.put("digest", layer.digest().toString());
            node.put("mediaType", layer.mediaType());
            node.put("size", layer.size());
            node.put("diffId", image.diffIds().get(i).toString());
            node.put("format", layerFormat.apply(layer));
        }
        try {
            return ManifestParser.json().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render inspect JSON", e);
        }
    }

    /** {@code 1.5 MiB}; bytes below 1 KiB as {@code 512 B}. */
    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "%-10s %s%n", key + ":", value));
    }

    private static void appendColumns(StringBuilder out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == row.length - 1 ? row[c] : String.format(Locale.ROOT, "%-" + widths[c] + "s  ", row[c]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
