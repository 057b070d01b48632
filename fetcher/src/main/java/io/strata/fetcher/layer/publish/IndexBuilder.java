package io.strata.fetcher.layer.publish;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerIndexes;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.estargz.EStargzFormat;
import io.strata.fetcher.source.BlobSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the lazy indexes (file table + checkpoint index) of every unmodified gzip layer of an image: each such
 * layer is streamed once and verified (blob digest, diff_id), and both indexes are kept in the local
 * {@link FileStore}, so this host mounts the image lazily at once. {@link IndexPublisher} then makes them
 * available to every other host.
 */
public final class IndexBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(IndexBuilder.class);

    /** What happened to one layer. */
    public enum Status {
        /** Streamed and indexed now. */
        INDEXED,
        /** The store already held both indexes; nothing was fetched. */
        ALREADY_INDEXED,
        /** Not indexed; {@link LayerResult#reason()} says why. */
        SKIPPED
    }

    /**
     * One layer's outcome.
     *
     * @param stored         the stored indexes, when the status is not {@link Status#SKIPPED}
     * @param reason         why it was skipped, else null
     * @param bytesFetched   compressed bytes fetched to index it
     */
    public record LayerResult(Descriptor layer, Status status, LayerIndexes.Stored stored, String reason,
                              long bytesFetched) {
        /** Whether the layer has indexes to publish. */
        public boolean indexed() {
            return stored != null;
        }
    }

    private IndexBuilder() {
    }

    /**
     * Indexes every gzip layer of {@code image} not indexed in {@code store} yet, bottom to top.
     *
     * @throws io.strata.fetcher.image.DigestMismatchException when a layer blob or its tar does not match its digest
     * @throws IOException                                      when the source fails or a tar is malformed
     */
    public static List<LayerResult> build(BlobSource source, ResolvedImage image, FileStore store) throws IOException {
        List<LayerResult> results = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            results.add(buildOne(source, image.layers().get(i), image.diffIds().get(i), store));
        }
        return List.copyOf(results);
    }

    private static LayerResult buildOne(BlobSource source, Descriptor layer, Digest diffId, FileStore store)
            throws IOException {
        String skip = skipReason(layer);
        if (skip != null) {
            LOG.info("layer {}: {}", layer.digest().shortForm(), skip);
            return new LayerResult(layer, Status.SKIPPED, null, skip, 0);
        }
        Optional<LayerIndexes.Stored> existing = LayerIndexes.find(store, layer);
        if (existing.isPresent()) {
            return new LayerResult(layer, Status.ALREADY_INDEXED, existing.get(), null, 0);
        }
        LayerStats stats = new LayerStats();
        long t0 = System.nanoTime();
        Optional<LayerIndexes.Stored> built = LayerIndexes.build(source, layer, diffId, store, stats);
        if (built.isEmpty()) {
            return new LayerResult(layer, Status.SKIPPED, null,
                    "no checkpoint index could be built on this host (system zlib unusable, see the log)",
                    stats.bytesFetched.get());
        }
        LOG.info("layer {} indexed in {} ms ({} bytes fetched)", layer.digest().shortForm(),
                (System.nanoTime() - t0) / 1_000_000, stats.bytesFetched.get());
        return new LayerResult(layer, Status.INDEXED, built.get(), null, stats.bytesFetched.get());
    }

    /** Why a layer gets no checkpoint index, or null when it should get one. */
    static String skipReason(Descriptor layer) {
        if (layer.annotation(EStargzFormat.TOC_DIGEST_ANNOTATION) != null) {
            return "eStargz layer: lazy through its own table of contents";
        }
        MediaTypes.Compression compression = MediaTypes.layerCompression(layer.mediaType());
        if (compression != MediaTypes.Compression.GZIP) {
            return "not gzip-compressed (" + layer.mediaType() + "): checkpoint indexes exist only for gzip";
        }
        return null;
    }
}
