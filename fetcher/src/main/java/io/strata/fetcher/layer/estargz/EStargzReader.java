package io.strata.fetcher.layer.estargz;

import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkKey;
import io.strata.cache.chunk.SequentialReadAhead;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryReader;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.HasPrioritizedFiles;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.PrefetchesInBulk;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.TransferCounter;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads eStargz file content chunk by chunk through the {@link ChunkCache}, each chunk keyed by its TOC
 * {@code chunkDigest} so that the cache verifies it before it is stored or returned (and identical chunks of
 * other layers are one entry). A read that needs several chunks missing from the cache fetches them with one
 * range request (their gzip members are adjacent in the blob, or the same member) and splits the bytes. A member
 * that holds several chunks ({@code innerOffset}) is fetched and inflated once per read, and the chunks of other
 * files in it are cached on the way, so reading the next of those files costs no request. Holds no state
 * besides the immutable table, so concurrent reads need no lock.
 */
final class EStargzReader implements EntryReader, HasPrioritizedFiles, PrefetchesInBulk {

    /** A merged fetch is held in memory whole: stop merging past this many compressed bytes. */
    private static final long MAX_MERGED_RANGE = 64L << 20;
    /**
     * A shared member is inflated this much past the chunks a read needs to keep the chunks of other files that
     * follow in it (the reference's {@code preRead}); chunks before them are inflated anyway and always kept.
     */
    private static final long SIBLING_BUDGET = 4L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(EStargzReader.class);

    private final BlobSource source;
    private final Digest layer;
    private final ChunkTable table;
    private final ChunkCache cache;
    private final SequentialReadAhead readAhead;
    private final LayerStats stats;
    private final TransferCounter counter;
    private final List<String> prioritized;
    private final Arrivals arrivals = new Arrivals();

    EStargzReader(BlobSource source, Digest layer, ChunkTable table, ChunkCache cache, LayerStats stats,
                  TransferCounter counter, List<String> prioritized) {
        this.source = source;
        this.layer = layer;
        this.table = table;
        this.cache = cache;
        // eStargz chunks are 4 MiB by default (ctr-remote, strata convert): two ahead is 8 MiB
        this.readAhead = new SequentialReadAhead(cache, c -> key((int) c), 4);
        this.stats = stats;
        this.counter = counter;
        this.prioritized = List.copyOf(prioritized);
    }

    @Override
    public List<String> prioritizedFiles() {
        return prioritized;
    }

    @Override
    public long prefetch(List<String> paths) throws IOException {
        return new BulkFetch(source, layer, table, cache, counter, arrivals).fetch(paths);
    }

    @Override
    public int read(Entry entry, long offset, byte[] dst, int dstOffset, int length) throws IOException {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " reading '" + entry.path() + "'");
        }
        if (length == 0 || (entry.type() != EntryType.FILE && entry.type() != EntryType.HARDLINK)) {
            return 0;
        }
        ChunkTable.FileChunks file = table.file(entry.path());
        if (file == null && entry.type() == EntryType.HARDLINK) {
            file = table.file(entry.linkTarget());
        }
        if (file == null) {
            if (entry.type() == EntryType.FILE && entry.size() > 0) {
                throw new IOException("eStargz layer " + layer + " has no chunks for '" + entry.path() + "' of "
                        + entry.size() + " bytes: the entry is not from this layer's index");
            }
            return 0; // an empty file
        }
        if (offset >= file.size()) {
            return 0;
        }
        int n = (int) Math.min(length, file.size() - offset);
        int first = table.chunkAt(file, offset);
        int last = table.chunkAt(file, offset + n - 1);
        readAhead.reading(last, file.first() + file.count() - 1);
        if (first == last) {
            // From memory or the read-ahead ring (where a sequential reader's chunks wait, off the heap), else the
            // blocks the read needs from the disk tier, not the whole chunk (a 4 KiB read of a 4 MiB chunk reads
            // 64 KiB); a sequential reader has asked above for the chunks after this one to be read ahead.
            int inChunk = (int) (offset - table.fileOffset[first]);
            if (cache.readPart(key(first), table.size[first], inChunk, dst, dstOffset, n)) {
                stats.cacheHits.incrementAndGet();
                stats.bytesServed.addAndGet(n);
                return n;
            }
        }
        byte[][] chunks = new byte[last - first + 1][];
        boolean missed = false;
        for (int c = first; c <= last; c++) {
            if (chunks[c - first] != null) {
                continue;
            }
            Optional<byte[]> cached = cache.getIfPresent(key(c));
            if (cached.isPresent()) {
                chunks[c - first] = cached.get();
                continue;
            }
            byte[] arrived = arrivals.await(c); // a bulk prefetch has it on its way: cheaper than a request of our own
            if (arrived != null) {
                chunks[c - first] = arrived;
                continue;
            }
            missed = true;
            int runEnd = missingRunEnd(c, last);
            if (runEnd > c) {
                fetchRun(entry, c, runEnd, chunks, first);
            } else {
                int chunk = c;
                chunks[c - first] = cache.get(key(c), () -> fetchRun(entry, chunk, chunk, null, 0));
            }
        }
        copy(offset, n, first, chunks, dst, dstOffset);
        (missed ? stats.cacheMisses : stats.cacheHits).incrementAndGet();
        stats.bytesServed.addAndGet(n);
        return n;
    }

    /**
     * The last chunk of the run of missing chunks starting at {@code c}, bounded by size: each next chunk's member
     * follows the previous one's, or is the same member (several chunks of one file packed into it).
     */
    private int missingRunEnd(int c, int last) {
        int end = c;
        while (end < last && table.compressedEnd[end + 1] - table.compressedStart[c] <= MAX_MERGED_RANGE
                && (table.compressedStart[end + 1] == table.compressedEnd[end]
                    || table.compressedStart[end + 1] == table.compressedStart[end])
                && cache.getIfPresent(key(end + 1)).isEmpty() && !arrivals.pending(end + 1)) {
            end++;
        }
        return end;
    }

    /**
     * Fetches chunks {@code [from, to]} with one range request and decompresses each member once. With {@code into}
     * (a merged fetch), every chunk is handed to the cache, which verifies it, and placed in {@code into}; a chunk
     * that fails is not cached and fails the read after the good ones are kept. Without (the loader of one chunk),
     * returns the chunk's bytes for the cache to verify.
     */
    private byte[] fetchRun(Entry entry, int from, int to, byte[][] into, int intoBase) throws IOException {
        long start = table.compressedStart[from];
        long end = table.compressedEnd[to];
        int length = (int) (end - start);
        byte[] compressed = source.readRange(layer, start, length, counter);
        if (compressed.length != length) {
            throw new IOException("eStargz layer " + layer + ": the source returned " + compressed.length
                    + " bytes of the range [" + start + ", " + end + ") holding '" + entry.path() + "'"
                    + " (is the blob shorter than its TOC says?)");
        }
        IOException failure = null;
        byte[] last = null;
        for (int c = from; c <= to; ) {
            int group = c + 1; // chunks [c, group) of this run are in the same member
            while (group <= to && table.compressedStart[group] == table.compressedStart[c]) {
                group++;
            }
            byte[][] inflated = inflate(entry, c, group - 1, compressed, (int) (table.compressedStart[c] - start),
                    (int) (table.compressedEnd[c] - table.compressedStart[c]));
            for (int k = c; k < group; k++) {
                last = inflated[k - c];
                if (into != null) {
                    try {
                        cache.put(key(k), last);
                        into[k - intoBase] = last;
                    } catch (IOException e) {
                        failure = failure == null ? e : failure;
                    }
                }
            }
            c = group;
        }
        if (failure != null) {
            throw new IOException("eStargz layer " + layer + ", '" + entry.path() + "': " + failure.getMessage(), failure);
        }
        return last;
    }

    /**
     * The uncompressed bytes of chunks {@code [from, to]}, which share the gzip member in {@code buf[off, off+len)}:
     * each starts {@code innerOffset} bytes into the member's stream and is exactly its size. The member is
     * inflated once, in stream order; chunks of other files met on the way (and up to {@link #SIBLING_BUDGET}
     * after) are offered to the cache, which verifies them, and never fail this read.
     */
    private byte[][] inflate(Entry entry, int from, int to, byte[] buf, int off, int len) throws IOException {
        byte[][] wanted = new byte[to - from + 1][];
        int[] member = table.sameMember(from);
        long wantedEnd = 0;
        for (int c = from; c <= to; c++) {
            wantedEnd = Math.max(wantedEnd, table.innerOffset[c] + table.size[c]);
        }
        long end = wantedEnd;
        try {
            MemberChunks.inflate(table, buf, off, len, member, new MemberChunks.Sink() {
                @Override
                public boolean stopBefore(int c) { // every wanted chunk ends before it, so they are all read
                    return (c < from || c > to) && table.innerOffset[c] + table.size[c] > end + SIBLING_BUDGET;
                }

                @Override
                public void accept(int c, byte[] bytes) {
                    if (c >= from && c <= to) {
                        wanted[c - from] = bytes;
                    } else {
                        keepSibling(c, bytes);
                    }
                }
            });
        } catch (IOException e) {
            int current = from;
            while (current <= to && wanted[current - from] != null) {
                current++;
            }
            if (current <= to) {
                throw new IOException("eStargz layer " + layer + ": chunk at file offset " + table.fileOffset[current]
                        + " of '" + entry.path() + "' (" + table.size[current] + " bytes at innerOffset "
                        + table.innerOffset[current] + " of the gzip member at blob offset "
                        + table.compressedStart[current] + ") cannot be decompressed: " + e.getMessage(), e);
            }
            LOG.debug("layer {}: gzip member at {} ends before the chunks of other files that the TOC puts in it: {}",
                    layer.shortForm(), table.compressedStart[from], e.toString());
        }
        return wanted;
    }

    /** A chunk of another file (or later in this one) that came out of the same member: cached if it verifies. */
    private void keepSibling(int c, byte[] bytes) {
        try {
            cache.put(key(c), bytes);
        } catch (IOException e) {
            // Its own read will fetch it again and say why it fails; this read does not depend on it.
            LOG.debug("layer {}: chunk {} sharing a gzip member with the chunk read is not kept: {}", layer.shortForm(),
                    table.digest[c], e.toString());
        }
    }

    private void copy(long offset, int n, int first, byte[][] chunks, byte[] dst, int dstOffset) throws IOException {
        int done = 0;
        for (int c = first; done < n; c++) {
            byte[] chunk = chunks[c - first];
            if (chunk.length != table.size[c]) {
                throw new IOException("cached chunk " + table.digest[c] + " has " + chunk.length + " bytes, the TOC"
                        + " of layer " + layer + " says " + table.size[c] + "; run strata cache verify");
            }
            long pos = offset + done;
            int inChunk = (int) (pos - table.fileOffset[c]);
            int take = Math.min(n - done, chunk.length - inChunk);
            System.arraycopy(chunk, inChunk, dst, dstOffset + done, take);
            done += take;
        }
    }

    private ChunkKey key(int c) {
        return ChunkKey.ofContent(table.digest[c]);
    }
}
