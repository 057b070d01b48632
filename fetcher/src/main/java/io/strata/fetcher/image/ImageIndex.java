package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An image index (image-spec image-index.md) or Docker manifest list: one manifest per platform, each
 * entry's {@link Descriptor#platform()} saying which.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(
        int schemaVersion,
        String mediaType,
        String artifactType,
        List<Descriptor> manifests,
        Descriptor subject,
        Map<String, String> annotations) {

    public ImageIndex {
        if (schemaVersion != 2) {
            throw new IllegalArgumentException("image index schemaVersion is " + schemaVersion + ", expected 2");
        }
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? null : Map.copyOf(annotations);
    }

    /** An OCI image index of {@code manifests}. */
    public static ImageIndex of(List<Descriptor> manifests) {
        return new ImageIndex(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
    }
}
