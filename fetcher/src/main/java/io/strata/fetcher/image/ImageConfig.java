package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The image configuration (image-spec config.md; Docker's {@code container.image.v1} has the same fields).
 * Only what Strata uses is modelled; everything else is ignored.
 *
 * @param config  how to run the image (may be null in minimal images)
 * @param rootfs  the uncompressed layer digests, bottom to top
 * @param history one entry per build step; {@code empty_layer} steps have no layer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfig(
        String architecture,
        String os,
        String variant,
        RunConfig config,
        RootFs rootfs,
        List<History> history) {

    public ImageConfig {
        if (rootfs == null) {
            throw new IllegalArgumentException("image config without rootfs");
        }
        history = history == null ? null : List.copyOf(history);
    }

    /** The uncompressed digests of the layers, bottom to top (never null). */
    public List<Digest> diffIds() {
        return rootfs.diffIds();
    }

    /** The platform the config declares, e.g. {@code linux/amd64}. */
    public Platform platform() {
        return new Platform(architecture, os, null, variant);
    }

    /** The execution parameters: {@code config} in the image config JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunConfig(
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("User") String user,
            @JsonProperty("Labels") Map<String, String> labels) {
    }

    /** {@code rootfs}: always of type {@code layers}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RootFs(String type, @JsonProperty("diff_ids") List<Digest> diffIds) {
        public RootFs {
            if (!"layers".equals(type)) {
                throw new IllegalArgumentException("rootfs.type is '" + type + "', expected 'layers'");
            }
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }
    }

    /** One build step. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record History(
            String created,
            @JsonProperty("created_by") String createdBy,
            String author,
            String comment,
            @JsonProperty("empty_layer") Boolean emptyLayer) {
    }
}
