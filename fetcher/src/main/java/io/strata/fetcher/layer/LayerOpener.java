package io.strata.fetcher.layer;

import com.github.luben.zstd.ZstdInputStream;
import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.tar.TarIndexer;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.TransferCounter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole-layer format, the fallback for a layer without an eStargz TOC or a Strata index: the blob is
 * streamed once, decompressed, indexed and written to the cache in a single pass, then content is served
 * from the cached uncompressed tar. A later open of the same layer (any process sharing the cache) fetches
 * nothing.
 *
 * <p>Cache layout (in a {@link FileStore}): {@code layers/<digest>.tar}, the uncompressed tar, published only
 * after the blob's digest (and the diff_id, when given) verified; then {@code indexes/<digest>}, its index
 * ({@link IndexFile}). The index is written last, so its presence means its content is there and verified.
 */
public final class LayerOpener {

    /** {@link OpenedLayer#format()} of layers served this way. */
    public static final String FORMAT = "whole";
    /** {@link OpenedLayer#notLazyReason()} of layers served this way. */
    public static final String NOT_LAZY_REASON =
            "no eStargz TOC or Strata index for this layer yet: fetched whole once, then served from the cache";

    static final String LAYERS = "layers";
    static final String INDEXES = "indexes";

    private static final Logger LOG = LoggerFactory.getLogger(LayerOpener.class);

    private final BlobSource source;
    private final FileStore store;

    public LayerOpener(BlobSource source, FileStore store) {
        this.source = source;
        this.store = store;
    }

    /**
     * Opens a layer: from the cache when it holds the layer's index and tar, else by fetching the blob once.
     * Close the returned reader ({@link java.io.Closeable}) when the layer is no longer served.
     *
     * @param layer        the manifest's descriptor of the layer blob
     * @param diffIdOrNull the config's {@code rootfs.diff_ids} entry for this layer, verified against the
     *                     uncompressed tar; null when unknown
     * @throws DigestMismatchException when the blob or its uncompressed tar does not match its digest
     * @throws CorruptLayerException   when the tar is malformed or holds hostile paths
     * @throws IOException             when the media type is not a layer or the source fails
     */
    public OpenedLayer open(Descriptor layer, Digest diffIdOrNull) throws IOException {
        MediaTypes.Compression compression = MediaTypes.layerCompression(layer.mediaType());
        String name = layer.digest().toString();
        if (compression == null) {
            throw new IOException("layer " + name + " has media type '" + layer.mediaType()
                    + "', which is not a tar layer (expected tar, tar+gzip or tar+zstd)");
        }
        String key = layer.digest().toTagSafe();
        LayerStats stats = new LayerStats();
        Optional<OpenedLayer> cached = fromCache(layer, key, diffIdOrNull, stats);
        if (cached.isPresent()) {
            return cached.get();
        }
        stats.cacheMisses.incrementAndGet();
        LayerIndex[] built = new LayerIndex[1];
        long[] tarLength = new long[1];
        Path tar = store.put(LAYERS, key + ".tar", out -> {
            try (InputStream blob = source.openBlob(layer.digest(), layer.size(), counterOf(stats))) {
                MessageDigest hasher = diffIdOrNull != null ? diffIdOrNull.newHasher() : Digest.newSha256();
                TeeInputStream tee;
                List<Entry> entries;
                try {
                    // The buffer also gives the gzip reader the mark/reset it uses between members, so it never
                    // asks the (verifying, forward-only) source stream to rewind.
                    InputStream buffered = new BufferedInputStream(blob, 1 << 16);
                    InputStream uncompressed = new BufferedInputStream(decompress(buffered, compression), 1 << 16);
                    tee = new TeeInputStream(uncompressed, out, hasher);
                    entries = TarIndexer.readAll(tee, name);
                    tee.drain();
                } catch (IOException e) {
                    throw preferDigestMismatch(blob, e);
                }
                drain(blob); // the source verifies size and digest at the end of the blob
                Digest diffId = new Digest(diffIdOrNull != null ? diffIdOrNull.algorithm() : "sha256",
                        HexFormat.of().formatHex(hasher.digest()));
                if (diffIdOrNull != null && !diffIdOrNull.equals(diffId)) {
                    throw new DigestMismatchException("layer " + name + " (its uncompressed tar, checked against the"
                            + " image config's diff_id)", diffIdOrNull, diffId.toString());
                }
                built[0] = new LayerIndex(layer.digest(), diffId, entries);
                tarLength[0] = tee.count();
            }
        });
        store.put(INDEXES, key, out -> IndexFile.write(built[0], tarLength[0], out));
        LOG.info("layer {} fetched whole ({} bytes, {} entries) and cached", layer.digest().shortForm(),
                stats.bytesFetched.get(), built[0].entries().size());
        return opened(layer, built[0], tar, stats);
    }

    private Optional<OpenedLayer> fromCache(Descriptor layer, String key, Digest diffIdOrNull, LayerStats stats)
            throws IOException {
        Optional<Path> index = store.find(INDEXES, key);
        Optional<Path> tar = store.find(LAYERS, key + ".tar");
        if (index.isEmpty() || tar.isEmpty()) {
            return Optional.empty();
        }
        IndexFile.Loaded loaded;
        try {
            loaded = IndexFile.read(index.get(), layer.digest());
            if (Files.size(tar.get()) != loaded.tarLength()) {
                throw new IndexFileException("cached layer " + tar.get() + " has " + Files.size(tar.get())
                        + " bytes but its index expects " + loaded.tarLength());
            }
        } catch (IndexFileException e) {
            LOG.warn("{}; fetching layer {} again", e.getMessage(), layer.digest().shortForm());
            return Optional.empty();
        }
        Digest diffId = loaded.index().diffId();
        if (diffIdOrNull != null && diffId != null && diffId.algorithm().equals(diffIdOrNull.algorithm())
                && !diffId.equals(diffIdOrNull)) {
            throw new DigestMismatchException("layer " + layer.digest() + " (its uncompressed tar, checked against the"
                    + " image config's diff_id)", diffIdOrNull, diffId.toString());
        }
        stats.cacheHits.incrementAndGet();
        return Optional.of(opened(layer, loaded.index(), tar.get(), stats));
    }

    private OpenedLayer opened(Descriptor layer, LayerIndex index, Path tar, LayerStats stats) throws IOException {
        EntryReader reader = new WholeLayerReader(layer.digest().toString(), tar, index, stats);
        return new OpenedLayer(layer, index, reader, stats, FORMAT, NOT_LAZY_REASON);
    }

    /** Feeds the source's transfer reports into the layer's counters. */
    private static TransferCounter counterOf(LayerStats stats) {
        return new TransferCounter() {
            @Override
            public void request() {
                stats.requests.incrementAndGet();
            }

            @Override
            public void add(long bytes) {
                stats.bytesFetched.addAndGet(bytes);
            }
        };
    }

    /** Reads a stream to its end, discarding the bytes. */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (in.read(buf, 0, buf.length) >= 0) {
            // discard
        }
    }

    private static InputStream decompress(InputStream blob, MediaTypes.Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> blob;
            // true: a gzip layer may be several concatenated members (pigz, appended layers); read them all.
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(blob).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStream(blob);
        };
    }

    /**
     * A corrupt blob usually shows first as a tar or decompression error; the digest check at the end of the
     * blob names the real cause. So on failure the rest of the blob is read, and a digest mismatch, if any, is
     * reported instead (the first error attached).
     */
    private static IOException preferDigestMismatch(InputStream blob, IOException first) {
        if (first instanceof DigestMismatchException) {
            return first;
        }
        try {
            drain(blob);
        } catch (DigestMismatchException mismatch) {
            mismatch.addSuppressed(first);
            return mismatch;
        } catch (IOException ignored) {
            // the source itself failed: the first error says more
        }
        return first;
    }
}
