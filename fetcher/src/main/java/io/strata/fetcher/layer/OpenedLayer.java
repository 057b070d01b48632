package io.strata.fetcher.layer;

import io.strata.fetcher.image.Descriptor;

/**
 * A layer ready to serve: its index, the reader of its content, and its counters.
 *
 * @param descriptor    the manifest's descriptor of the layer
 * @param index         the entries
 * @param reader        produces content bytes of the entries
 * @param stats         live counters
 * @param format        how content is served: {@code whole} (the layer was fetched once, entirely), later
 *                      {@code estargz}, {@code indexed-gzip}
 * @param notLazyReason why the layer is not lazy, for {@code strata status}; null when it is lazy
 */
public record OpenedLayer(
        Descriptor descriptor,
        LayerIndex index,
        EntryReader reader,
        LayerStats stats,
        String format,
        String notLazyReason) {
}
