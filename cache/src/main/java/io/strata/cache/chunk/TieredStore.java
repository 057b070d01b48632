package io.strata.cache.chunk;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory over disk: a disk hit is promoted to memory; a new chunk goes to memory at once and to disk behind the
 * caller's back. The reader that loaded a chunk is waiting for it (a FUSE read, a container start): it must not
 * also wait for a temp file, an fsync and a ledger update, which cost milliseconds each and tens of them when the
 * disk is busy. Write-behind is bounded ({@value #WRITE_BEHIND_BYTES} bytes queued; beyond that the writer writes
 * itself), queued chunks are readable meanwhile, and {@link #close()} drains the queue, so a process that closes
 * its cache leaves every chunk on disk. A process killed first loses only chunks it fetched in its last moments:
 * the disk tier is still never left with a partial file (temp file, fsync, rename, as before).
 *
 * <p>Reading back is single flight per chunk: the kernel's readahead sends several reads of one file at once, and
 * each used to read and check the same 4 MiB file (510 chunk-file reads for 256 chunks, measured). A
 * {@link #readAhead} hint reads a chunk into memory on one of {@value #READ_AHEAD_THREADS} background threads, so a
 * sequential reader finds the next chunk in memory instead of waiting for the disk once per chunk.
 */
final class TieredStore implements ChunkStore {

    static final int WRITE_BEHIND_BYTES = 64 << 20;
    /** Disk reads run in parallel: the disk keeps several requests in flight (virtio: 4 parallel ~20 % faster). */
    static final int READ_AHEAD_THREADS = 4;
    /** Read-ahead hints queued or running at most; more are dropped (a hint is only worth something early). */
    static final int READ_AHEAD_QUEUE = 16;
    private static final long DRAIN_SECONDS = 120;
    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);

    private final MemoryStore memory;
    private final DiskStore disk;
    private final Map<ChunkKey, byte[]> queued = new ConcurrentHashMap<>();
    private final Semaphore budget = new Semaphore(WRITE_BEHIND_BYTES);
    private final Map<ChunkKey, CompletableFuture<byte[]>> diskReads = new ConcurrentHashMap<>();
    private final Semaphore readAheadSlots = new Semaphore(READ_AHEAD_QUEUE);
    private final Set<ChunkKey> readAheadsPending = ConcurrentHashMap.newKeySet();
    /** Where read-ahead puts chunks for sequential readers; null when the memory bound is too small for a ring. */
    private final StagedChunks staged;
    private final Map<ChunkKey, CompletableFuture<Void>> stagings = new ConcurrentHashMap<>();
    private final ExecutorService readAheads = Executors.newFixedThreadPool(READ_AHEAD_THREADS, r -> {
        Thread t = new Thread(r, "strata-cache-read-ahead");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strata-cache-writer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param stagingSlots slots of {@link StagedChunks} for read-ahead ({@link #stagingSlots}); 0 reads ahead into
     *                     the memory tier instead
     */
    TieredStore(MemoryStore memory, DiskStore disk, int stagingSlots) {
        this.memory = memory;
        this.disk = disk;
        this.staged = stagingSlots > 0 ? new StagedChunks(stagingSlots) : null;
    }

    /**
     * Slots of read-ahead staging out of a memory bound of {@code memoryMaxBytes}: half of it, at most 32 (two
     * read-ahead queues' worth), none below 8 (a reader's chunk, the 4 to 8 read ahead of it, and room to refill
     * behind it: with fewer, read-ahead refills the slots its reader is about to read). A mount's 64 MiB gives 8.
     */
    static int stagingSlots(long memoryMaxBytes) {
        long slots = Math.min(2L * READ_AHEAD_QUEUE, memoryMaxBytes / 2 / StagedChunks.SLOT_PAYLOAD);
        return slots < 8 ? 0 : (int) slots;
    }

    @Override
    public byte[] read(ChunkKey key) {
        byte[] bytes = memory.read(key);
        if (bytes == null) {
            bytes = queued.get(key);
        }
        if (bytes == null && staged != null) {
            awaitStaging(key);
            bytes = staged.copyWhole(key);
            if (bytes != null) {
                memory.write(key, bytes); // a reader of whole chunks (a 1 MiB grid) asks again for every part
            }
        }
        if (bytes == null) {
            bytes = fromDisk(key);
        }
        return bytes;
    }

    /** From memory if there, else the part alone from disk (a random read does not promote the whole chunk). */
    @Override
    public boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        byte[] bytes = memory.read(key);
        if (bytes == null) {
            bytes = queued.get(key);
        }
        if (bytes != null) {
            return ChunkStore.copyPart(bytes, chunkLength, offset, dst, dstOffset, length);
        }
        if (staged != null) {
            awaitStaging(key);
            if (staged.copy(key, chunkLength, offset, dst, dstOffset, length)) {
                return true;
            }
            // Hinted but still queued: the reader has caught up with read-ahead, so it stages the chunk itself (once;
            // the queued task then finds it staged) rather than reading its part now and the rest part by part.
            if (readAheadsPending.contains(key) && stageFromDisk(key)
                    && staged.copy(key, chunkLength, offset, dst, dstOffset, length)) {
                return true;
            }
        }
        return disk.readPart(key, chunkLength, offset, dst, dstOffset, length);
    }

    @Override
    public void readAhead(ChunkKey key) {
        if (memory.contains(key) || queued.containsKey(key) || diskReads.containsKey(key)
                || (staged != null && (staged.contains(key) || stagings.containsKey(key)))) {
            return;
        }
        // Every FUSE read of a chunk hints the same next chunks: one task per chunk, or duplicates would fill the
        // queue and park the read-ahead threads on each other's flights.
        if (!readAheadsPending.add(key)) {
            return;
        }
        if (!readAheadSlots.tryAcquire()) {
            readAheadsPending.remove(key);
            return;
        }
        try {
            readAheads.execute(() -> {
                try {
                    if (!memory.contains(key) && !stageFromDisk(key)) {
                        fromDisk(key);
                    }
                } catch (RuntimeException e) {
                    LOG.debug("read-ahead of chunk {} failed: {}", key, e.toString());
                } finally {
                    readAheadsPending.remove(key);
                    readAheadSlots.release();
                }
            });
        } catch (RejectedExecutionException e) { // closing
            readAheadsPending.remove(key);
            readAheadSlots.release();
        }
    }

    /**
     * Reads the chunk from disk into the staging ring, once however many threads ask (the others wait for it); true
     * if it is staged, false if it must be read into memory instead.
     */
    private boolean stageFromDisk(ChunkKey key) {
        if (staged == null) {
            return false;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> theirs = stagings.putIfAbsent(key, mine);
        if (theirs != null) {
            theirs.join();
            return staged.contains(key);
        }
        try {
            return staged.contains(key) || disk.stage(key, staged);
        } finally {
            stagings.remove(key, mine);
            mine.complete(null);
        }
    }

    /** Waits for a staging of {@code key} in progress, if any: cheaper than reading the chunk a second time. */
    private void awaitStaging(ChunkKey key) {
        CompletableFuture<Void> pending = stagings.get(key);
        if (pending != null) {
            pending.join();
        }
    }

    /** The chunk from disk, promoted to memory; one disk read per chunk however many threads ask at once. */
    private byte[] fromDisk(ChunkKey key) {
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> theirs = diskReads.putIfAbsent(key, mine);
        if (theirs != null) {
            return theirs.join(); // null when absent; a RuntimeException of theirs reaches us too
        }
        try {
            byte[] bytes = memory.peek(key); // a read that just ended promoted it
            if (bytes == null) {
                bytes = disk.read(key);
                if (bytes != null) {
                    memory.write(key, bytes);
                }
            }
            mine.complete(bytes);
            return bytes;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            diskReads.remove(key, mine);
        }
    }

    @Override
    public void write(ChunkKey key, byte[] verified) throws IOException {
        memory.write(key, verified); // first: it cannot fail, and a disk failure must not lose the memory copy
        int cost = Math.max(1, verified.length);
        if (cost > WRITE_BEHIND_BYTES || !budget.tryAcquire(cost)) {
            disk.write(key, verified); // the queue is full: slow the producer down to the disk's pace
            return;
        }
        queued.put(key, verified);
        try {
            writer.execute(() -> {
                try {
                    disk.write(key, verified);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("chunk {} stays in memory only: writing it to disk failed: {}", key, e.toString());
                } finally {
                    queued.remove(key, verified);
                    budget.release(cost);
                }
            });
        } catch (RejectedExecutionException e) { // closing: write it ourselves
            queued.remove(key, verified);
            budget.release(cost);
            disk.write(key, verified);
        }
    }

    @Override
    public void close() throws IOException {
        readAheads.shutdown();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} chunks were still being written to disk after {} s; they are dropped", queued.size(),
                        DRAIN_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            disk.close();
        } finally {
            memory.close();
        }
    }
}
