package io.strata.fetcher.layer.gzindex;

import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkKey;
import io.strata.cache.chunk.SequentialReadAhead;
import io.strata.fetcher.layer.LayerStats;
import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gzip layer's uncompressed tar, readable at any position, fetched lazily: the same 1 MiB chunk grid and keys
 * as the whole-layer format ({@code ChunkKey.ofRange(layerDigest, start, length)}), so a chunk published by a
 * whole fetch serves here and the other way round. A missing chunk is loaded with one range request of the
 * span(s) holding it ({@link CheckpointReader}); every other chunk those verified spans fully cover is
 * published too, so a sequential reader fetches each span once. Thread-safe (the cache single-flights loads).
 *
 * <p>Meant to be wrapped as the layer package's {@code StoredBytes} under {@code WholeLayerReader}: same methods.
 */
public final class LazyGzipBytes implements Closeable {

    /** Must equal {@code CachedLayerBytes.CHUNK_SIZE}: the two formats share chunks. */
    public static final int CHUNK_SIZE = 1 << 20;
    /** One per concurrent sequential reader is enough; each holds less than a chunk. */
    private static final int MAX_HEADS = 8;

    private final CheckpointIndex index;
    private final CheckpointReader reader;
    private final ChunkCache chunks;
    private final SequentialReadAhead readAhead;
    private final LayerStats stats;
    private final String layer;
    /** Verified leading bytes of chunks that straddled the end of an earlier fetch, by chunk start; a few only. */
    private final Map<Long, byte[]> heads = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > MAX_HEADS;
        }
    };

    public LazyGzipBytes(CheckpointIndex index, CheckpointReader reader, ChunkCache chunks, LayerStats stats) {
        this.index = index;
        this.reader = reader;
        this.chunks = chunks;
        this.readAhead = new SequentialReadAhead(chunks, n -> key(n * CHUNK_SIZE), 8); // 8 MiB of 1 MiB chunks
        this.stats = stats;
        this.layer = index.layer().toString();
    }

    /** Length of the uncompressed tar stream. */
    public long length() {
        return index.uncompressedSize();
    }

    /** Fills {@code dst[off, off + len)} with the stream's verified bytes at {@code position}. */
    public void readFully(long position, byte[] dst, int off, int len) throws IOException {
        if (position < 0 || len < 0 || position > length() - len) {
            throw new IllegalArgumentException("range [" + position + ", +" + len + ") lies outside the " + length()
                    + " uncompressed bytes of layer " + layer);
        }
        long pos = position;
        int done = 0;
        while (done < len) {
            long start = pos - pos % CHUNK_SIZE;
            readAhead.reading(start / CHUNK_SIZE, (length() - 1) / CHUNK_SIZE);
            int chunkLength = chunkLength(start);
            byte[] chunk = chunks.get(key(start), () -> load(start));
            if (chunk.length != chunkLength) {
                throw new IOException("cached chunk [" + start + ", +" + chunkLength + ") of layer " + layer + " has "
                        + chunk.length + " bytes; run strata cache verify");
            }
            int take = (int) Math.min(len - done, start + chunkLength - pos);
            System.arraycopy(chunk, (int) (pos - start), dst, off + done, take);
            done += take;
            pos += take;
        }
    }

    private int chunkLength(long start) {
        return (int) Math.min(CHUNK_SIZE, length() - start);
    }

    private ChunkKey key(long start) {
        return ChunkKey.ofRange(layer, start, chunkLength(start));
    }

    /**
     * Inflates every whole chunk inside the spans that hold chunk {@code wanted} (one request), publishes the
     * others and returns {@code wanted}'s bytes. Spans and chunks do not line up, so the chunk that straddles the
     * end of the fetched spans is kept as a verified head, and its later load fetches only the span(s) after it:
     * a sequential reader fetches each span once.
     */
    private byte[] load(long wanted) throws IOException {
        stats.cacheMisses.incrementAndGet();
        int wantedLength = chunkLength(wanted);
        byte[] head;
        synchronized (heads) {
            head = heads.remove(wanted);
        }
        long readStart = head == null ? wanted : wanted + head.length;
        int first = index.checkpointAtOrBefore(readStart);
        int last = index.checkpointAtOrBefore(wanted + wantedLength - 1);
        long covered = index.checkpoints().get(first).uncompressedOffset();
        long coveredEnd = last + 1 < index.checkpointCount()
                ? index.checkpoints().get(last + 1).uncompressedOffset() : length();
        long from = head != null ? readStart : Math.min(wanted, ((covered + CHUNK_SIZE - 1) / CHUNK_SIZE) * CHUNK_SIZE);
        long to = wanted + wantedLength;
        while (to < length() && to + chunkLength(to) <= coveredEnd) {
            to += chunkLength(to);
        }
        long readEnd = Math.max(to, coveredEnd);
        byte[] bytes = reader.read(from, (int) (readEnd - from));
        if (readEnd > to) {
            synchronized (heads) {
                heads.put(to, Arrays.copyOfRange(bytes, (int) (to - from), bytes.length));
            }
        }
        byte[] result = new byte[wantedLength];
        int have = 0;
        if (head != null) {
            System.arraycopy(head, 0, result, 0, head.length);
            have = head.length;
        }
        System.arraycopy(bytes, (int) (wanted + have - from), result, have, wantedLength - have);
        for (long start = wanted + wantedLength; start < to; start += CHUNK_SIZE) {
            chunks.put(key(start), Arrays.copyOfRange(bytes, (int) (start - from), (int) (start - from) + chunkLength(start)));
        }
        for (long start = from + (from % CHUNK_SIZE == 0 ? 0 : CHUNK_SIZE - from % CHUNK_SIZE); start < wanted;
             start += CHUNK_SIZE) {
            chunks.put(key(start), Arrays.copyOfRange(bytes, (int) (start - from), (int) (start - from) + CHUNK_SIZE));
        }
        return result;
    }

    @Override
    public void close() {
        // Chunks belong to the cache, which outlives this layer.
    }
}
