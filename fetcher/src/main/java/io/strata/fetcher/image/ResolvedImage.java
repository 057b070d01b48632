package io.strata.fetcher.image;

import java.util.List;

/**
 * One image, resolved to a single platform and checked: the manifest and config, exactly as served and as
 * models, and the layers bottom to top with their uncompressed digests (same length, same order).
 *
 * @param ref               what the user asked for
 * @param indexDigest       the digest of the image index the manifest was chosen from, or null
 * @param manifestDigest    the digest of {@code manifestBytes}
 * @param manifestMediaType the manifest's media type (OCI or Docker schema 2)
 * @param diffIds           {@code config.rootfs.diff_ids}, one per layer
 */
public record ResolvedImage(
        ImageRef ref,
        Digest indexDigest,
        Digest manifestDigest,
        String manifestMediaType,
        byte[] manifestBytes,
        Manifest manifest,
        byte[] configBytes,
        ImageConfig config,
        List<Descriptor> layers,
        List<Digest> diffIds) {

    public ResolvedImage {
        layers = List.copyOf(layers);
        diffIds = List.copyOf(diffIds);
        if (layers.size() != diffIds.size()) {
            throw new IllegalArgumentException(ref + " has " + layers.size() + " layers but "
                    + diffIds.size() + " diff_ids");
        }
    }

    /** The platform the config declares. */
    public Platform platform() {
        return config.platform();
    }
}
