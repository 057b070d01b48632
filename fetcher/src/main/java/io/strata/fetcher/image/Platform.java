package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The platform of an image-index entry (image-spec image-index.md), parsed from {@code os/arch[/variant]}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Platform(
        String architecture,
        String os,
        @JsonProperty("os.version") String osVersion,
        String variant) {

    public static final Platform LINUX_AMD64 = new Platform("amd64", "linux", null, null);

    /** Parses {@code linux/amd64}, {@code linux/arm64/v8}; the message names the accepted form. */
    public static Platform parse(String text) {
        String[] parts = text.split("/");
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("malformed platform '" + text + "' (expected os/arch[/variant], e.g. linux/amd64)");
        }
        return new Platform(parts[1], parts[0], null, parts.length == 3 ? parts[2] : null);
    }

    /** True when {@code candidate} satisfies this wanted platform (a wanted variant must match). */
    public boolean accepts(Platform candidate) {
        return candidate != null && os.equals(candidate.os) && architecture.equals(candidate.architecture)
                && (variant == null || variant.equals(candidate.variant));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
