package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSource;

/**
 * What a {@link LayerFormat} gets to open one layer.
 *
 * @param source where the layer blob is (range reads, whole stream)
 * @param layer  the manifest's descriptor of the layer (media type, size, annotations)
 * @param diffId the config's {@code rootfs.diff_ids} entry for the layer, or null when unknown
 * @param store  where indexes are kept (small files; its {@code tmp/} for spooling)
 * @param chunks where content is kept: every byte a reader gets comes through it
 */
public record LayerContext(BlobSource source, Descriptor layer, Digest diffId, FileStore store, ChunkCache chunks) {
}
