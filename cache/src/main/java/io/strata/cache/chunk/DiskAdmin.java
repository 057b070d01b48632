package io.strata.cache.chunk;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CacheAdmin} over the disk layout; all deletions go through the ledger so the totals stay right. */
final class DiskAdmin implements CacheAdmin {

    private static final Logger log = LoggerFactory.getLogger(DiskAdmin.class);

    private final ChunkFiles files;
    private final Evictor evictor;
    private final Ledger ledger;

    DiskAdmin(ChunkFiles files) {
        this.files = files;
        this.evictor = new Evictor(files);
        this.ledger = new Ledger(files.ledgerPath(), evictor::recount);
    }

    @Override
    public Summary stats() throws IOException {
        long bytes = 0;
        long entries = 0;
        for (ChunkFiles.Stored f : files.scan()) {
            bytes += f.size();
            entries++;
        }
        Ledger.State s = ledger.snapshot();
        return new Summary(files.root(), bytes, entries, s.valid ? s.counters : CacheStats.EMPTY);
    }

    @Override
    public VerifyResult verify() throws IOException {
        int temps = files.cleanTemp(System.currentTimeMillis());
        long checked = 0;
        long bytes = 0;
        long removed = 0;
        for (ChunkFiles.Stored f : files.scan()) {
            try {
                files.readVerified(f.path());
            } catch (NoSuchFileException evicted) {
                continue;
            } catch (IOException e) {
                // Corrupt, foreign or unreadable: a cache may always drop an entry, and must never serve a bad one.
                log.warn("removing {}: {}", f.path(), e.getMessage());
                if (ledger.update(s -> Evictor.deleteAccounted(s, f.path()))) {
                    removed++;
                }
            }
            checked++;
            bytes += f.size();
        }
        ledger.update(evictor::recount);
        return new VerifyResult(checked, bytes, removed, temps);
    }

    @Override
    public PruneResult prune(long maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("--max-size must not be negative, got " + maxBytes);
        }
        return ledger.update(s -> {
            evictor.recount(s);
            long bytesBefore = s.usedBytes;
            long entriesBefore = s.entries;
            evictor.evictDownTo(s, maxBytes);
            return new PruneResult(entriesBefore - s.entries, bytesBefore - s.usedBytes, s.entries, s.usedBytes);
        });
    }

    @Override
    public PruneResult clear() throws IOException {
        PruneResult result = ledger.update(s -> {
            long removedEntries = 0;
            long removedBytes = 0;
            for (ChunkFiles.Stored f : files.scan()) {
                if (Evictor.deleteAccounted(s, f.path())) {
                    removedEntries++;
                    removedBytes += f.size();
                }
            }
            evictor.recount(s); // exact totals even if they had drifted
            files.removeEmptyDirectories(); // publishers create directories under this same lock
            return new PruneResult(removedEntries, removedBytes, s.entries, s.usedBytes);
        });
        files.cleanTemp(System.currentTimeMillis());
        return result;
    }

    @Override
    public void close() {
        ledger.close();
    }
}
