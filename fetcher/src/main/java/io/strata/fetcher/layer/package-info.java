/**
 * What is inside a layer: its index ({@link io.strata.fetcher.layer.LayerIndex} of
 * {@link io.strata.fetcher.layer.Entry}s), the formats that produce an index, and
 * {@link io.strata.fetcher.layer.EntryReader}, the only path by which file content is produced.
 */
package io.strata.fetcher.layer;
