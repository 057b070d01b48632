package io.strata.fetcher.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageConfig;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.InvalidManifestException;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.WrittenLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A new image being made on top of a base image (or of nothing: {@link #scratch}), edited as the base's exact JSON
 * so that nothing Strata does not model is lost (healthchecks, vendor fields, manifest annotations). Layers are
 * appended with a history entry each; a step that changes only the configuration adds an {@code empty_layer} history
 * entry, as Docker does; the run configuration ({@code Env}, {@code WorkingDir}, {@code Cmd}, {@code Entrypoint},
 * {@code Labels}) can be changed. {@link #build()} gives the bytes of the new config and manifest. Pure: no I/O.
 * Not thread-safe; a draft is used by one builder.
 */
public final class ImageDraft {

    private final ObjectNode config;
    private final ObjectNode manifest;
    private final String manifestMediaType;
    private final String what;

    private ImageDraft(ObjectNode config, ObjectNode manifest, String manifestMediaType, String what) {
        this.config = config;
        this.manifest = manifest;
        this.manifestMediaType = manifestMediaType;
        this.what = what;
    }

    /**
     * The new image and its layers, as pushed.
     *
     * @param config            the config's bytes
     * @param configDescriptor  its descriptor (the base's config media type)
     * @param manifest          the manifest's bytes
     * @param manifestMediaType the base's manifest media type (OCI for scratch)
     * @param layers            the manifest's layers, bottom to top
     */
    public record Image(byte[] config, Descriptor configDescriptor, byte[] manifest, String manifestMediaType,
                        List<Descriptor> layers) {

        public Image {
            layers = List.copyOf(layers);
        }

        /** The digest of {@link #manifest()}. */
        public Digest manifestDigest() {
            return Digest.sha256(manifest);
        }

        /**
         * This image as a checked {@link ResolvedImage} (its JSON parsed back, as {@code ImageResolver} would), named
         * {@code ref} in messages.
         *
         * @throws InvalidManifestException when an edit made it invalid (a base that was already inconsistent)
         */
        public ResolvedImage resolved(ImageRef ref) throws InvalidManifestException {
            String name = ref + "@" + manifestDigest();
            Manifest m = ManifestParser.manifest(name, manifest);
            ImageConfig c = ManifestParser.config("config of " + name, config);
            if (c.diffIds().size() != m.layers().size()) {
                throw new InvalidManifestException(name + " has " + m.layers().size() + " layers but its config lists "
                        + c.diffIds().size() + " diff_ids");
            }
            return new ResolvedImage(ref, null, manifestDigest(), manifestMediaType, manifest, m, config, c,
                    m.layers(), c.diffIds());
        }
    }

    /** A draft starting from {@code base}: its config and manifest as served. */
    public static ImageDraft of(ResolvedImage base) throws InvalidManifestException {
        String what = base.ref() + "@" + base.manifestDigest();
        ObjectNode config = object(read(base.configBytes(), "config of " + what), "config of " + what);
        ObjectNode manifest = object(read(base.manifestBytes(), "manifest " + what), "manifest " + what);
        object(config.get("rootfs"), "rootfs of the config of " + what);
        object(manifest.get("config"), "config descriptor of " + what);
        return new ImageDraft(config, manifest, base.manifestMediaType(), what);
    }

    /**
     * A draft of an image with no layers and an empty run configuration for {@code platform} ({@code FROM scratch}):
     * OCI media types, no creation time, so that the same platform always gives the same bytes.
     */
    public static ImageDraft scratch(Platform platform) {
        ObjectNode config = ManifestParser.json().createObjectNode();
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        if (platform.variant() != null) {
            config.put("variant", platform.variant());
        }
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids");
        ObjectNode manifest = ManifestParser.json().createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", MediaTypes.OCI_CONFIG);
        manifest.putArray("layers");
        return new ImageDraft(config, manifest, MediaTypes.OCI_MANIFEST, "scratch " + platform);
    }

    /** gzip layers of the manifest's own family: a Docker manifest names Docker layer types, an OCI one OCI types. */
    static String layerMediaType(String manifestMediaType) {
        return MediaTypes.DOCKER_MANIFEST.equals(manifestMediaType) ? MediaTypes.DOCKER_LAYER_GZIP
                : MediaTypes.OCI_LAYER_GZIP;
    }

    /**
     * Appends {@code written} as the top layer (media type of the manifest's family), its diff_id, and a history
     * entry; {@code created} of the config becomes the step's time.
     */
    public ImageDraft appendLayer(WrittenLayer written, CommitInfo info) {
        Descriptor layer = written.descriptor(layerMediaType(manifestMediaType));
        ObjectNode node = ManifestParser.json().valueToTree(layer);
        if (layer.annotations() != null) {
            // Sorted: Map.copyOf iterates in an order that changes from one JVM run to the next, the digest must not.
            node.set("annotations", ManifestParser.json().valueToTree(new TreeMap<>(layer.annotations())));
        }
        appendHistory(info, false);
        manifest.withArray("layers").add(node);
        config.with("rootfs").withArray("diff_ids").add(written.diffId().toString());
        return this;
    }

    /** Records a step that changed only the configuration: an {@code empty_layer} history entry, the config's time. */
    public ImageDraft appendEmptyStep(CommitInfo info) {
        appendHistory(info, true);
        return this;
    }

    /**
     * Adds a history entry. History is padded first with empty entries when the base recorded fewer layer-making
     * steps than it has layers, so that the n-th non-empty history entry keeps describing the n-th layer (what
     * {@code docker history} relies on).
     */
    private void appendHistory(CommitInfo info, boolean emptyLayer) {
        String created = info.created().toString();
        config.put("created", created);
        ArrayNode history = config.has("history") && config.get("history").isArray()
                ? (ArrayNode) config.get("history") : config.putArray("history");
        long layerSteps = 0;
        for (JsonNode h : history) {
            layerSteps += h.path("empty_layer").asBoolean(false) ? 0 : 1;
        }
        for (long i = layerSteps; i < manifest.withArray("layers").size(); i++) {
            history.addObject();
        }
        ObjectNode step = history.addObject();
        step.put("created", created);
        step.put("created_by", info.createdBy());
        if (info.comment() != null) {
            step.put("comment", info.comment());
        }
        if (emptyLayer) {
            step.put("empty_layer", true);
        }
    }

    /** Sets the environment variable {@code name} (replacing its value, or appended to {@code Env}). */
    public ImageDraft setEnv(String name, String value) {
        if (name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("environment variable name '" + name + "' is empty or has '='");
        }
        ArrayNode env = runConfig().withArray("Env");
        String entry = name + "=" + value;
        for (int i = 0; i < env.size(); i++) {
            if (env.get(i).asText().startsWith(name + "=") || env.get(i).asText().equals(name)) {
                env.set(i, env.textNode(entry));
                return this;
            }
        }
        env.add(entry);
        return this;
    }

    /** Sets {@code WorkingDir}. */
    public ImageDraft setWorkingDir(String dir) {
        runConfig().put("WorkingDir", dir);
        return this;
    }

    /** Sets {@code Cmd}; null removes it. */
    public ImageDraft setCmd(List<String> cmd) {
        setList("Cmd", cmd);
        return this;
    }

    /** Sets {@code Entrypoint}; null removes it. */
    public ImageDraft setEntrypoint(List<String> entrypoint) {
        setList("Entrypoint", entrypoint);
        return this;
    }

    /** Sets the label {@code key} in {@code Labels} (kept sorted by key, so the bytes do not depend on the order). */
    public ImageDraft setLabel(String key, String value) {
        ObjectNode run = runConfig();
        Map<String, String> labels = new TreeMap<>();
        JsonNode old = run.get("Labels");
        if (old != null && old.isObject()) {
            old.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        labels.put(key, value);
        ObjectNode sorted = run.putObject("Labels");
        labels.forEach(sorted::put);
        return this;
    }

    private void setList(String field, List<String> values) {
        ObjectNode run = runConfig();
        if (values == null) {
            run.remove(field);
            return;
        }
        ArrayNode array = run.putArray(field);
        values.forEach(array::add);
    }

    /** {@code config} of the image config (the run configuration), made an object when the base had none. */
    private ObjectNode runConfig() {
        JsonNode run = config.get("config");
        return run instanceof ObjectNode o ? o : config.putObject("config");
    }

    /** The config and manifest as they stand now (the draft can go on being edited afterwards). */
    public Image build() {
        byte[] configBytes = ManifestParser.toBytes(config);
        ObjectNode configNode = (ObjectNode) manifest.get("config");
        String configType = configNode.path("mediaType").asText(MediaTypes.OCI_CONFIG);
        Descriptor configDescriptor = Descriptor.of(configType, Digest.sha256(configBytes), configBytes.length);
        configNode.put("digest", configDescriptor.digest().toString());
        configNode.put("size", configDescriptor.size());
        byte[] manifestBytes = ManifestParser.toBytes(manifest);
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : manifest.withArray("layers")) {
            layers.add(ManifestParser.json().convertValue(l, Descriptor.class));
        }
        return new Image(configBytes, configDescriptor, manifestBytes, manifestMediaType, layers);
    }

    private static JsonNode read(byte[] bytes, String what) throws InvalidManifestException {
        try {
            return ManifestParser.json().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new InvalidManifestException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectNode object(JsonNode node, String what) throws InvalidManifestException {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw new InvalidManifestException(what + " is not a JSON object; the image cannot be extended");
    }

    @Override
    public String toString() {
        return "ImageDraft[" + what + "]";
    }
}
