package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses and deletes the least valuable chunks: least recently used first, by file modification time (a disk
 * hit touches its file at most once a minute, so mtime approximates the last use across all processes).
 *
 * <p>Candidates come from one scan, sorted oldest first, and are consumed over many evictions; the queue is
 * refilled by a new scan only when it runs dry. A candidate whose mtime changed since the scan was used
 * meanwhile and is skipped. Chunks being read by this process are pinned and skipped; readers in other
 * processes need no pin because a chunk is read through one open descriptor into memory, and on POSIX an
 * unlinked file stays readable through descriptors opened before.
 *
 * <p>Every method taking a {@link Ledger.State} runs inside {@link Ledger#update}, which also guards the queue.
 */
final class Evictor {

    /** Evict this fraction of the bound beyond the need, so that a full cache does not evict on every write. */
    private static final int HEADROOM_DIVISOR = 20;

    private final ChunkFiles files;
    private final ConcurrentHashMap<String, Integer> pins = new ConcurrentHashMap<>();
    private final ArrayDeque<ChunkFiles.Stored> candidates = new ArrayDeque<>();

    Evictor(ChunkFiles files) {
        this.files = files;
    }

    void pin(String name) {
        pins.merge(name, 1, Integer::sum);
    }

    void unpin(String name) {
        pins.computeIfPresent(name, (k, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Evicts until {@code size} more bytes fit under {@code maxBytes} (plus some headroom when possible).
     * Returns false if they still do not fit: everything left is pinned or in use.
     */
    boolean makeRoom(Ledger.State s, long size, long maxBytes) throws IOException {
        if (s.usedBytes + size <= maxBytes) {
            return true;
        }
        evictDownTo(s, Math.max(0, maxBytes - size - maxBytes / HEADROOM_DIVISOR));
        return s.usedBytes + size <= maxBytes;
    }

    /** Evicts least recently used chunks until at most {@code target} bytes are used; returns files deleted. */
    long evictDownTo(Ledger.State s, long target) throws IOException {
        long deleted = 0;
        boolean rescanned = false;
        while (s.usedBytes > target) {
            ChunkFiles.Stored c = candidates.poll();
            if (c == null) {
                if (rescanned) {
                    break;
                }
                recount(s);
                rescanned = true;
            } else if (evict(s, c)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Scans every chunk file: exact totals (all changes happen under the ledger lock) and fresh candidates. */
    Void recount(Ledger.State s) throws IOException {
        List<ChunkFiles.Stored> all = files.scan();
        long bytes = 0;
        for (ChunkFiles.Stored f : all) {
            bytes += f.size();
        }
        Ledger.recounted(s, bytes, all.size(), System.currentTimeMillis());
        all.sort(Comparator.comparingLong(ChunkFiles.Stored::modifiedMillis));
        candidates.clear();
        candidates.addAll(all);
        return null;
    }

    private boolean evict(Ledger.State s, ChunkFiles.Stored c) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(c.path(), BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (a.lastModifiedTime().toMillis() != c.modifiedMillis() || pins.containsKey(c.name())) {
            return false; // read since the scan, or being read now: not the least valuable any more
        }
        return deleteAccounted(s, c.path());
    }

    /** Deletes one chunk file and takes its size off the totals; false if it was already gone. */
    static boolean deleteAccounted(Ledger.State s, Path path) throws IOException {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (Files.deleteIfExists(path)) {
            s.removed(size);
            return true;
        }
        return false;
    }
}
