package io.strata.fetcher.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;

/**
 * Parses manifests, indexes and configs from their exact bytes. Every failure is an
 * {@link InvalidManifestException} naming {@code what} (the reference or blob the bytes came from), never a
 * bare Jackson message.
 */
public final class ManifestParser {

    /** The mapper every OCI document goes through: unknown fields ignored, digests as strings. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final String SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    private static final String SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    private ManifestParser() {
    }

    /** The shared, configured mapper (thread-safe once configured; do not reconfigure it). */
    public static ObjectMapper json() {
        return JSON;
    }

    /**
     * The media type of a manifest or index: the served {@code Content-Type} when it is one Strata knows,
     * else the document's {@code mediaType} field, else guessed from its shape (OCI allows omitting it).
     *
     * @param headerType the {@code Content-Type} as served, or null (parameters such as charset are ignored)
     */
    public static String mediaTypeOf(String what, String headerType, byte[] body) throws InvalidManifestException {
        String header = headerType == null ? null : headerType.split(";", 2)[0].trim();
        if (header != null && (MediaTypes.isManifest(header) || MediaTypes.isIndex(header))) {
            return header;
        }
        if (SCHEMA1.equals(header) || SCHEMA1_SIGNED.equals(header)) {
            throw schema1(what);
        }
        JsonNode tree = tree(what, body);
        String field = tree.path("mediaType").asText(null);
        if (tree.path("schemaVersion").asInt() == 1 || SCHEMA1.equals(field) || SCHEMA1_SIGNED.equals(field)) {
            throw schema1(what);
        }
        if (field != null) {
            if (MediaTypes.isManifest(field) || MediaTypes.isIndex(field)) {
                return field;
            }
            throw unsupported(what, field);
        }
        if (tree.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (tree.has("config") && tree.has("layers")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw unsupported(what, header == null ? "(none)" : header);
    }

    /** Parses an image manifest (OCI or Docker schema 2). */
    public static Manifest manifest(String what, byte[] body) throws InvalidManifestException {
        return read(what, "image manifest", body, Manifest.class);
    }

    /** Parses an image index (OCI or Docker manifest list). */
    public static ImageIndex index(String what, byte[] body) throws InvalidManifestException {
        return read(what, "image index", body, ImageIndex.class);
    }

    /** Parses an image config blob. */
    public static ImageConfig config(String what, byte[] body) throws InvalidManifestException {
        return read(what, "image config", body, ImageConfig.class);
    }

    /** Serializes a model (for pushing a manifest this process built). */
    public static byte[] toBytes(Object model) {
        try {
            return JSON.writeValueAsBytes(model);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + model.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(String what, String kind, byte[] body, Class<T> type) throws InvalidManifestException {
        try {
            return JSON.readValue(body, type);
        } catch (ValueInstantiationException e) {
            // Our records' own validation: the cause's message is already a sentence about the field.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidManifestException("invalid " + kind + " of " + what + ": " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException("malformed " + kind + " JSON of " + what + ": "
                    + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new InvalidManifestException("cannot read " + kind + " of " + what + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(String what, byte[] body) throws InvalidManifestException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidManifestException("manifest of " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException("malformed manifest JSON of " + what + ": "
                    + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new InvalidManifestException("cannot read manifest of " + what + ": " + e.getMessage(), e);
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static InvalidManifestException schema1(String what) {
        return new InvalidManifestException(what + " is a Docker schema 1 manifest, which Strata does not read "
                + "(deprecated since 2017); convert it, e.g. `skopeo copy --format v2s2 docker://SRC docker://DST`");
    }

    private static InvalidManifestException unsupported(String what, String mediaType) {
        return new InvalidManifestException("unsupported manifest media type " + mediaType + " for " + what
                + " (supported: " + MediaTypes.MANIFEST_ACCEPT + ")");
    }
}
