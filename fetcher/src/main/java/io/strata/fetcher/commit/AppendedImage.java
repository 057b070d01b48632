package io.strata.fetcher.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.InvalidManifestException;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.WrittenLayer;
import java.io.IOException;

/**
 * The config and manifest of a base image with one layer appended, built from the base's exact JSON so that
 * nothing Strata does not model is lost (labels, healthchecks, vendor fields, manifest annotations). Pure: no I/O.
 *
 * @param config            the new config's bytes
 * @param configDescriptor  its descriptor (the base's config media type)
 * @param manifest          the new manifest's bytes
 * @param manifestMediaType the base's manifest media type
 * @param layer             the new layer's descriptor
 */
record AppendedImage(byte[] config, Descriptor configDescriptor, byte[] manifest, String manifestMediaType,
                     Descriptor layer) {

    static AppendedImage of(ResolvedImage base, WrittenLayer written, CommitInfo info) throws IOException {
        String what = base.ref() + "@" + base.manifestDigest();
        Descriptor layer = written.descriptor(layerMediaType(base.manifestMediaType()));
        byte[] config = config(base, written.diffId(), info, what);
        Descriptor configDescriptor = Descriptor.of(base.manifest().config().mediaType(), Digest.sha256(config),
                config.length);
        byte[] manifest = manifest(base, configDescriptor, layer, what);
        return new AppendedImage(config, configDescriptor, manifest, base.manifestMediaType(), layer);
    }

    /** gzip layers of the manifest's own family: a Docker manifest names Docker layer types, an OCI one OCI types. */
    static String layerMediaType(String manifestMediaType) {
        return MediaTypes.DOCKER_MANIFEST.equals(manifestMediaType) ? MediaTypes.DOCKER_LAYER_GZIP
                : MediaTypes.OCI_LAYER_GZIP;
    }

    /**
     * The base config with the diff_id, {@code created} and a history entry added. History is padded first with
     * empty entries when the base recorded fewer layer-making steps than it has layers, so that the n-th
     * non-empty history entry keeps describing the n-th layer (what {@code docker history} relies on).
     */
    private static byte[] config(ResolvedImage base, Digest diffId, CommitInfo info, String what) throws IOException {
        ObjectNode config = object(ManifestParser.json().readTree(base.configBytes()), "config of " + what);
        String created = info.created().toString();
        config.put("created", created);
        ObjectNode rootfs = object(config.get("rootfs"), "rootfs of the config of " + what);
        ArrayNode diffIds = rootfs.withArray("diff_ids");
        diffIds.add(diffId.toString());
        ArrayNode history = config.has("history") && config.get("history").isArray()
                ? (ArrayNode) config.get("history") : config.putArray("history");
        long layerSteps = 0;
        for (JsonNode h : history) {
            layerSteps += h.path("empty_layer").asBoolean(false) ? 0 : 1;
        }
        for (long i = layerSteps; i < base.layers().size(); i++) {
            history.addObject();
        }
        ObjectNode step = history.addObject();
        step.put("created", created);
        step.put("created_by", info.createdBy());
        if (info.comment() != null) {
            step.put("comment", info.comment());
        }
        return ManifestParser.json().writeValueAsBytes(config);
    }

    /** The base manifest with the new config descriptor and the layer appended; its other fields as they were. */
    private static byte[] manifest(ResolvedImage base, Descriptor config, Descriptor layer, String what)
            throws IOException {
        ObjectNode manifest = object(ManifestParser.json().readTree(base.manifestBytes()), "manifest " + what);
        ObjectNode configNode = object(manifest.get("config"), "config descriptor of " + what);
        configNode.put("digest", config.digest().toString());
        configNode.put("size", config.size());
        manifest.withArray("layers").add(ManifestParser.json().valueToTree(layer));
        return ManifestParser.json().writeValueAsBytes(manifest);
    }

    private static ObjectNode object(JsonNode node, String what) throws InvalidManifestException {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw new InvalidManifestException(what + " is not a JSON object; a layer cannot be appended to it");
    }
}
