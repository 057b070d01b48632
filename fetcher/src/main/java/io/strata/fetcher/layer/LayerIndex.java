package io.strata.fetcher.layer;

import io.strata.fetcher.image.Digest;
import java.util.List;

/**
 * The table of one layer's entries, in tar order, one entry per path (a later tar entry of the same path
 * replaces the earlier one, as extraction would). Immutable; built once per layer and shared.
 *
 * @param layerDigest the compressed layer blob's digest (what the manifest names)
 * @param diffId      digest of the uncompressed tar when known (the config's {@code rootfs.diff_ids}), else null
 * @param entries     the entries
 */
public record LayerIndex(Digest layerDigest, Digest diffId, List<Entry> entries) {
    public LayerIndex {
        entries = List.copyOf(entries);
    }
}
