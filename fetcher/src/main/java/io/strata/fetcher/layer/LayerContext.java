package io.strata.fetcher.layer;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a {@link LayerFormat} gets to open one layer.
 *
 * @param source where the layer blob is (range reads, whole stream)
 * @param layer  the manifest's descriptor of the layer (media type, size, annotations)
 * @param diffId the config's {@code rootfs.diff_ids} entry for the layer, or null when unknown
 * @param store  where indexes are kept (small files; its {@code tmp/} for spooling)
 * @param chunks where content is kept: every byte a reader gets comes through it
 * @param notes  why formats declined the layer although it looked like theirs, collected for {@code strata status}
 */
public record LayerContext(BlobSource source, Descriptor layer, Digest diffId, FileStore store, ChunkCache chunks,
                           List<String> notes) {

    public LayerContext(BlobSource source, Descriptor layer, Digest diffId, FileStore store, ChunkCache chunks) {
        this(source, layer, diffId, store, chunks, new CopyOnWriteArrayList<>());
    }

    /** Records why a format that recognized the layer does not serve it (never a silent fallback). */
    public void declined(String why) {
        notes.add(why);
    }
}
