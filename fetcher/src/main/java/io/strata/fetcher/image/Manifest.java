package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An image manifest (image-spec manifest.md), or its Docker schema 2 equivalent: one config blob and the
 * layers, bottom to top. Parse it with {@link ManifestParser#manifest}, which keeps the message readable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        int schemaVersion,
        String mediaType,
        String artifactType,
        Descriptor config,
        List<Descriptor> layers,
        Descriptor subject,
        Map<String, String> annotations) {

    public Manifest {
        if (schemaVersion != 2) {
            throw new IllegalArgumentException("manifest schemaVersion is " + schemaVersion + ", expected 2");
        }
        if (config == null) {
            throw new IllegalArgumentException("manifest without config descriptor");
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? null : Map.copyOf(annotations);
    }

    /** An OCI manifest of {@code config} and {@code layers}, without annotations. */
    public static Manifest of(Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, null);
    }
}
