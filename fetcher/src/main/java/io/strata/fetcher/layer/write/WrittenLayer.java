package io.strata.fetcher.layer.write;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import java.util.Map;

/**
 * What {@link LayerWriter} wrote.
 *
 * @param encoding         gzip or eStargz
 * @param digest           digest of the blob (the layer descriptor's digest)
 * @param size             size of the blob in bytes
 * @param diffId           sha256 of the uncompressed tar (the config's {@code rootfs.diff_ids} entry)
 * @param uncompressedSize size of the uncompressed tar
 * @param entries          how many entries the tar holds (eStargz's landmark and TOC not counted)
 * @param annotations      what the layer descriptor must carry (eStargz: TOC digest, uncompressed size); may be empty
 */
public record WrittenLayer(LayerEncoding encoding, Digest digest, long size, Digest diffId, long uncompressedSize,
                           int entries, Map<String, String> annotations) {

    public WrittenLayer {
        annotations = Map.copyOf(annotations);
    }

    /** The layer's descriptor under {@code mediaType} (a gzip layer type of the manifest's family). */
    public Descriptor descriptor(String mediaType) {
        return new Descriptor(mediaType, digest, size, null, annotations.isEmpty() ? null : annotations, null, null);
    }
}
