package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An OCI content descriptor (image-spec descriptor.md): what a blob is, how big, and its digest.
 * {@code platform} is set only on entries of an image index.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform,
        String artifactType) {

    public Descriptor {
        if (mediaType == null || mediaType.isBlank()) {
            throw new IllegalArgumentException("descriptor without mediaType");
        }
        if (digest == null) {
            throw new IllegalArgumentException("descriptor of " + mediaType + " without digest");
        }
        if (size < 0) {
            throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
        }
        annotations = annotations == null ? null : Map.copyOf(annotations);
        urls = urls == null ? null : List.copyOf(urls);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null);
    }

    public String annotation(String key) {
        return annotations == null ? null : annotations.get(key);
    }
}
