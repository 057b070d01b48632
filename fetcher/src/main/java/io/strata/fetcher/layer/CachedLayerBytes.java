package io.strata.fetcher.layer;

import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkKey;
import io.strata.cache.chunk.SequentialReadAhead;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole layer's uncompressed tar kept as fixed-size chunks in the {@link ChunkCache}, keyed by the layer's
 * digest and the chunk's range of the uncompressed stream. The cache may evict chunks (it is bounded); a read of
 * an evicted chunk fetches the layer again, once for all readers of the layer, verifies it whole and publishes
 * every chunk again — a gzip or zstd stream cannot be entered in the middle, so there is no cheaper way for a
 * layer without a lazy index.
 */
final class CachedLayerBytes implements StoredBytes {

    /** 1 MiB: eight FUSE reads per chunk, few enough files for big layers. */
    static final int CHUNK_SIZE = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(CachedLayerBytes.class);

    private final BlobSource source;
    private final Descriptor layer;
    private final Digest diffId;
    private final long length;
    private final ChunkCache chunks;
    private final SequentialReadAhead readAhead;
    private final Path spoolDir;
    private final LayerStats stats;
    private final ReentrantLock refetchLock = new ReentrantLock();

    CachedLayerBytes(BlobSource source, Descriptor layer, Digest diffId, long length, ChunkCache chunks, Path spoolDir,
                     LayerStats stats) {
        this.source = source;
        this.layer = layer;
        this.diffId = diffId;
        this.length = length;
        this.chunks = chunks;
        this.readAhead = new SequentialReadAhead(chunks, // 8 MiB of 1 MiB chunks
                n -> keyOf(layer, n * CHUNK_SIZE, (int) Math.min(CHUNK_SIZE, length - n * CHUNK_SIZE)), 8);
        this.spoolDir = spoolDir;
        this.stats = stats;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void readFully(long position, byte[] dst, int off, int len) throws IOException {
        long pos = position;
        int done = 0;
        while (done < len) {
            long start = pos - pos % CHUNK_SIZE;
            readAhead.reading(start / CHUNK_SIZE, (length - 1) / CHUNK_SIZE);
            int chunkLength = (int) Math.min(CHUNK_SIZE, length - start);
            byte[] chunk = chunks.get(keyOf(layer, start, chunkLength), () -> refetch(start, chunkLength));
            if (chunk.length != chunkLength) {
                throw new IOException("cached chunk [" + start + ", +" + chunkLength + ") of layer " + layer.digest()
                        + " has " + chunk.length + " bytes; run strata cache verify");
            }
            int take = (int) Math.min(len - done, start + chunkLength - pos);
            System.arraycopy(chunk, (int) (pos - start), dst, off + done, take);
            done += take;
            pos += take;
        }
    }

    static ChunkKey keyOf(Descriptor layer, long start, int chunkLength) {
        return ChunkKey.ofRange(layer.digest().toString(), start, chunkLength);
    }

    /**
     * Publishes the verified uncompressed layer in {@code spool} as chunks. Returns the bytes of the chunk at
     * {@code wantedStart} (null for none), so a caller gets its chunk even when a small cache bound evicts it
     * again before the publication ends.
     */
    static byte[] publish(Descriptor layer, Path spool, long length, ChunkCache chunks, long wantedStart) throws IOException {
        byte[] wanted = null;
        try (InputStream in = Files.newInputStream(spool)) {
            for (long start = 0; start < length; start += CHUNK_SIZE) {
                int chunkLength = (int) Math.min(CHUNK_SIZE, length - start);
                byte[] chunk = in.readNBytes(chunkLength);
                if (chunk.length != chunkLength) {
                    throw new IOException("spool file " + spool + " of layer " + layer.digest() + " ended early");
                }
                chunks.put(keyOf(layer, start, chunkLength), chunk);
                if (start == wantedStart) {
                    wanted = chunk;
                }
            }
        }
        return wanted;
    }

    /** The loader of a missing chunk: the whole layer again, once however many chunks are missed meanwhile. */
    private byte[] refetch(long start, int chunkLength) throws IOException {
        refetchLock.lock();
        try {
            Optional<byte[]> meanwhile = chunks.getIfPresent(keyOf(layer, start, chunkLength));
            if (meanwhile.isPresent()) {
                return meanwhile.get();
            }
            log.warn("chunk [{}, +{}) of layer {} is no longer cached (evicted or removed): fetching the whole layer"
                    + " again (a bigger --cache-max-size avoids this)", start, chunkLength, layer.digest().shortForm());
            stats.cacheMisses.incrementAndGet();
            // Named like FileStore's temp files (prefix.PID.random.part) so that a killed process's spool is cleaned.
            Path spool = Files.createTempFile(spoolDir, "refetch-" + layer.digest().hex().substring(0, 12) + "."
                    + ProcessHandle.current().pid() + ".", ".part");
            try {
                long spooled = LayerStream.spool(source, layer, diffId, spool, stats, LayerStream.Indexing.NONE).tarLength();
                if (spooled != length) {
                    throw new IOException("layer " + layer.digest() + " is " + spooled + " bytes uncompressed now, but "
                            + length + " when it was indexed; its cached index is wrong: run strata cache clear");
                }
                return publish(layer, spool, length, chunks, start);
            } finally {
                Files.deleteIfExists(spool);
            }
        } finally {
            refetchLock.unlock();
        }
    }

    @Override
    public void close() {
        // Chunks belong to the cache, which outlives this layer.
    }
}
