package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier: one file per chunk ({@link ChunkFiles}), totals shared with other processes ({@link Ledger}),
 * a size bound enforced at publication ({@link Evictor}).
 *
 * <p>Publication: the chunk is written to {@code tmp/} and forced to disk without any lock; then, under the
 * ledger lock, room is made and the temp file is renamed to its final name and counted. A name therefore only
 * ever refers to a complete, verified file, and the bound holds at every publication. Start-up reads the
 * ledger (O(1)); temp clean-up and the occasional full recount run on a background thread.
 */
final class DiskStore implements ChunkStore {

    private static final Logger log = LoggerFactory.getLogger(DiskStore.class);

    /** A hit re-stamps its file's mtime (its LRU age) at most this often, to keep hits free of writes. */
    static final long TOUCH_INTERVAL_MILLIS = 60_000;
    /** The totals are recounted by a full scan in the background when older than this. */
    static final long RECOUNT_INTERVAL_MILLIS = 3_600_000;
    private static final long FLUSH_INTERVAL_SECONDS = 10;

    private final ChunkFiles files;
    private final Ledger ledger;
    private final Evictor evictor;
    private final long maxBytes;
    private final Counters counters;
    private final ScheduledExecutorService maintenance;
    private CacheStats flushed = CacheStats.EMPTY; // guarded by this
    private boolean closed; // guarded by this

    private DiskStore(ChunkFiles files, Ledger ledger, Evictor evictor, long maxBytes, Counters counters) {
        this.files = files;
        this.ledger = ledger;
        this.evictor = evictor;
        this.maxBytes = maxBytes;
        this.counters = counters;
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-cache-maintenance " + files.root());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the disk tier in {@code root}, bounded by {@code maxBytes} or, if empty, by
     * {@link CacheConfig#defaultDiskMaxBytes} of the directory's filesystem.
     */
    static DiskStore open(Path root, OptionalLong maxBytes, Counters counters) throws IOException {
        ChunkFiles files = new ChunkFiles(root);
        Evictor evictor = new Evictor(files);
        Ledger ledger = new Ledger(files.ledgerPath(), evictor::recount);
        long bound;
        if (maxBytes.isPresent()) {
            bound = maxBytes.getAsLong();
        } else {
            Ledger.State s = ledger.snapshot();
            long usable = Files.getFileStore(files.root()).getUsableSpace();
            bound = CacheConfig.defaultDiskMaxBytes(usable, s.valid ? s.usedBytes : 0);
        }
        DiskStore store = new DiskStore(files, ledger, evictor, bound, counters);
        store.maintenance.execute(store::startUp);
        store.maintenance.scheduleWithFixedDelay(store::flushQuietly, FLUSH_INTERVAL_SECONDS,
                FLUSH_INTERVAL_SECONDS, TimeUnit.SECONDS);
        log.debug("chunk cache at {} bounded to {} bytes on disk", files.root(), bound);
        return store;
    }

    long maxBytes() {
        return maxBytes;
    }

    ChunkFiles files() {
        return files;
    }

    @Override
    public byte[] read(ChunkKey key) {
        return readFile(key, "cached chunk", files::readChecked);
    }

    /**
     * Reads chunk {@code key} from disk into a slot of {@code staged} ({@code O_DIRECT}, every block checked).
     * False when it is not on disk, is corrupt (and dropped), is larger than a slot, {@code O_DIRECT} is refused
     * here, or every slot is busy: the caller then reads it into memory the usual way.
     */
    boolean stage(ChunkKey key, StagedChunks staged) {
        StagedChunks.Slot slot = staged.claim();
        if (slot == null) {
            return false;
        }
        Integer length = readFile(key, "cached chunk", path -> {
            int n = files.readCheckedInto(path, slot.buffer());
            return n >= 0 ? n : null;
        });
        if (length == null) {
            staged.abandon(slot);
            return false;
        }
        staged.publish(slot, key, length);
        return true;
    }

    @Override
    public boolean readPart(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        return readFile(key, "part of cached chunk", path -> {
            files.readPart(path, chunkLength, offset, dst, dstOffset, length);
            return Boolean.TRUE;
        }) != null;
    }

    /** One way of reading a chunk's file: its result, or null when the file could not serve it. */
    @FunctionalInterface
    private interface FileRead<T> {
        T read(Path path) throws IOException;
    }

    /**
     * Runs {@code read} on the file of {@code key} with the file pinned against eviction; counts a disk hit and
     * refreshes its age when it returns something. Null when the file is absent, corrupt (then it is dropped) or
     * unreadable for another reason (then it is kept: an interrupted thread or no file descriptors left is no
     * evidence against it), and the caller loads the chunk anew.
     */
    private <T> T readFile(ChunkKey key, String what, FileRead<T> read) {
        Path path = files.pathOf(key);
        String name = key.fileName();
        evictor.pin(name);
        try {
            T result = read.read(path);
            if (result != null) {
                touch(path);
                counters.diskHits.increment();
            }
            return result;
        } catch (NoSuchFileException absent) {
            return null;
        } catch (ChunkFiles.CorruptChunkException e) {
            dropCorrupt(key, path, e);
            return null;
        } catch (IOException e) {
            log.warn("could not read {} {} from {}: {}; fetching it instead", what, key, path, e.toString());
            return null;
        } finally {
            evictor.unpin(name);
        }
    }

    @Override
    public void write(ChunkKey key, byte[] verified) throws IOException {
        Path target = files.pathOf(key);
        long size = ChunkFiles.storedSize(verified.length);
        if (size > maxBytes || Files.exists(target)) {
            return; // bigger than the whole bound (memory only), or already there (same content by construction)
        }
        Path temp = files.writeTemp(key, verified);
        try {
            ledger.update(s -> {
                // Under the lock nobody else publishes or deletes, so these checks and the rename are one step.
                if (Files.exists(target) || !evictor.makeRoom(s, size, maxBytes)) {
                    return null;
                }
                Files.createDirectories(target.getParent());
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the cache directory " + files.root() + " cannot rename files atomically;"
                            + " put the cache on a local filesystem (--cache-dir or STRATA_CACHE_DIR)", e);
                }
                s.added(size);
                return null;
            });
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes the counters gathered since the last flush into the shared ledger. */
    synchronized void flushCounters() throws IOException {
        CacheStats now = counters.snapshot();
        CacheStats delta = now.minus(flushed);
        if (delta.equals(CacheStats.EMPTY) || closed) {
            return;
        }
        ledger.update(s -> {
            s.counters = s.counters.plus(delta);
            return null;
        });
        flushed = now;
    }

    @Override
    public void close() throws IOException {
        // shutdown, not shutdownNow: interrupting a thread inside a FileChannel operation closes that channel.
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                flushCounters();
            } finally {
                closed = true;
                ledger.close();
            }
        }
    }

    private void startUp() {
        try {
            int removed = files.cleanTemp(System.currentTimeMillis());
            if (removed > 0) {
                log.info("removed {} unfinished chunk files left in {} by stopped processes", removed, files.tmpDir());
            }
            ledger.update(s -> {
                if (System.currentTimeMillis() - s.reconciledAtMillis > RECOUNT_INTERVAL_MILLIS) {
                    evictor.recount(s);
                }
                // Another process may have run with a larger bound: come back under ours.
                evictor.makeRoom(s, 0, maxBytes);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            log.warn("chunk cache maintenance in {} failed: {}", files.root(), e.toString());
        }
    }

    private void flushQuietly() {
        try {
            flushCounters();
        } catch (IOException | RuntimeException e) {
            log.warn("could not record cache statistics in {}: {}", files.root(), e.toString());
        }
    }

    /** Never return a doubtful chunk: drop it, and the caller loads it afresh. */
    private void dropCorrupt(ChunkKey key, Path path, ChunkFiles.CorruptChunkException e) {
        if (e.olderLayout()) {
            log.debug("dropping cached chunk {}: {}; it will be fetched again", key, e.getMessage());
        } else {
            log.warn("dropping cached chunk {}: {}; it will be fetched again", key, e.getMessage());
        }
        discard(path);
    }

    private void discard(Path path) {
        try {
            ledger.update(s -> Evictor.deleteAccounted(s, path));
        } catch (IOException e) {
            log.warn("could not delete bad cache file {}: {}", path, e.toString());
        }
    }

    private static void touch(Path path) {
        try {
            long now = System.currentTimeMillis();
            if (now - Files.getLastModifiedTime(path).toMillis() > TOUCH_INTERVAL_MILLIS) {
                Files.setLastModifiedTime(path, FileTime.fromMillis(now));
            }
        } catch (IOException e) {
            // evicted meanwhile, or a read-only cache: the age only guides eviction
        }
    }
}
