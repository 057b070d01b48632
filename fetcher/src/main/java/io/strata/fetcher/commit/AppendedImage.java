package io.strata.fetcher.commit;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.WrittenLayer;
import java.io.IOException;
import java.util.List;

/**
 * The config and manifest of a base image with one layer appended ({@link ImageDraft} with one
 * {@link ImageDraft#appendLayer} step). Pure: no I/O.
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
        ImageDraft.Image image = ImageDraft.of(base).appendLayer(written, info).build();
        List<Descriptor> layers = image.layers();
        return new AppendedImage(image.config(), image.configDescriptor(), image.manifest(), image.manifestMediaType(),
                layers.get(layers.size() - 1));
    }
}
