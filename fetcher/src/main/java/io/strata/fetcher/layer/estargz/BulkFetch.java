package io.strata.fetcher.layer.estargz;

import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkKey;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.TransferCounter;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the chunks of many files of one eStargz layer with a few streamed range requests: the gzip members that
 * hold them, in blob order, merged into runs across gaps smaller than a round trip's worth of bytes. Each member is
 * inflated as soon as it has arrived, its chunks verified and cached by the {@link ChunkCache} and handed to readers
 * waiting in {@link Arrivals}; the rest of the run is still on its way meanwhile. For an image converted with
 * {@code --prioritize} the prioritized files are one contiguous region at the start of the blob: one request.
 */
final class BulkFetch {

    /** Merge two members into one request when fewer bytes than this lie between them (~10 ms at 200 Mbit/s). */
    static final long MAX_GAP = 256 << 10;
    /** Bound of one request, so a failure costs little and other reads get a turn on the connection pool. */
    static final long MAX_RUN = 64L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(BulkFetch.class);

    private final BlobSource source;
    private final Digest layer;
    private final ChunkTable table;
    private final ChunkCache cache;
    private final TransferCounter counter;
    private final Arrivals arrivals;

    BulkFetch(BlobSource source, Digest layer, ChunkTable table, ChunkCache cache, TransferCounter counter,
              Arrivals arrivals) {
        this.source = source;
        this.layer = layer;
        this.table = table;
        this.cache = cache;
        this.counter = counter;
        this.arrivals = arrivals;
    }

    /** A gzip member to fetch: its blob range and the chunks announced as on their way in it. */
    private record Member(long start, long end, int[] chunks) {
    }

    /** Fetches the chunks of {@code paths} that are not cached; returns the compressed bytes fetched. */
    long fetch(List<String> paths) throws IOException {
        TreeMap<Long, Member> members = new TreeMap<>();
        for (String path : paths) {
            ChunkTable.FileChunks file = table.file(path);
            if (file == null) {
                continue;
            }
            for (int c = file.first(); c < file.first() + file.count(); c++) {
                long start = table.compressedStart[c];
                if (!members.containsKey(start) && cache.getIfPresent(ChunkKey.ofContent(table.digest[c])).isEmpty()) {
                    members.put(start, new Member(start, table.compressedEnd[c], table.sameMember(c)));
                }
            }
        }
        long fetched = 0;
        List<Member> run = new ArrayList<>();
        for (Member m : members.values()) {
            if (!run.isEmpty() && (m.start() - run.get(run.size() - 1).end() > MAX_GAP
                    || m.end() - run.get(0).start() > MAX_RUN)) {
                fetched += fetchRun(run);
                run = new ArrayList<>();
            }
            run.add(m);
        }
        if (!run.isEmpty()) {
            fetched += fetchRun(run);
        }
        return fetched;
    }

    /** One range request for the members of {@code run}, consumed member by member as it streams in. */
    private long fetchRun(List<Member> run) throws IOException {
        List<Integer> announced = new ArrayList<>();
        for (Member m : run) {
            for (int c : m.chunks()) {
                if (arrivals.expect(c)) {
                    announced.add(c);
                }
            }
        }
        long start = run.get(0).start();
        long end = run.get(run.size() - 1).end();
        long position = start;
        try (InputStream in = source.openRange(layer, start, end - start, counter)) {
            for (Member m : run) {
                in.skipNBytes(m.start() - position);
                byte[] compressed = in.readNBytes((int) (m.end() - m.start()));
                position = m.start() + compressed.length;
                if (compressed.length != m.end() - m.start()) {
                    throw new EOFException("eStargz layer " + layer + ": the range [" + start + ", " + end
                            + ") ended at " + position + " (is the blob shorter than its TOC says?)");
                }
                deliver(m, compressed);
            }
        } finally {
            announced.forEach(arrivals::abandon); // no-op for the delivered ones
        }
        return position - start;
    }

    /** Inflates one member and offers each of its chunks to the cache, which verifies it, then to waiting readers. */
    private void deliver(Member m, byte[] compressed) {
        try {
            MemberChunks.inflate(table, compressed, 0, compressed.length, m.chunks(), (c, bytes) -> {
                try {
                    cache.put(ChunkKey.ofContent(table.digest[c]), bytes);
                    arrivals.deliver(c, bytes);
                } catch (IOException e) {
                    // Not cached, and its readers fetch it themselves and report why it fails.
                    LOG.warn("layer {}: prefetched chunk {} is not kept: {}", layer.shortForm(), table.digest[c],
                            e.getMessage());
                    arrivals.abandon(c);
                }
            });
        } catch (IOException e) {
            LOG.warn("layer {}: prefetched gzip member at blob offset {} cannot be decompressed (its files are read"
                    + " on demand instead): {}", layer.shortForm(), m.start(), e.toString());
        }
    }
}
