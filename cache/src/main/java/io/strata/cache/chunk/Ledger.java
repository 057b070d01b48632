package io.strata.cache.chunk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * The shared bookkeeping of one cache directory: bytes and entries on disk, when they were last counted by a
 * full scan, and the hit/miss counters of every process that used it. One small file, read and rewritten under
 * an exclusive {@link FileLock} so that several processes keep one consistent total without scanning: every
 * publish and every delete of a chunk file happens inside {@link #update}, next to its change of the totals.
 *
 * <p>File locks belong to the process, and the JDK refuses a second lock on one file from one JVM, so a
 * JVM-wide lock per directory is taken first. The file is not fsynced: a crash or power loss can leave the
 * totals off by the chunks in flight (or a torn record, caught by the CRC); {@link DiskStore} recounts by a
 * scan in the background when the last count is old or the record is unreadable.
 *
 * <p>The file is opened per transaction rather than once: a {@link FileChannel} is closed for good when a
 * thread using it is interrupted, and one interrupted reader must not break the cache for the whole process.
 */
final class Ledger implements Closeable {

    private static final long MAGIC = 0x5354524154414c47L; // "STRATALG"
    private static final long VERSION = 1;
    private static final int FIELDS = 12;
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** The totals, mutated by a transaction in step with the files it changes. */
    static final class State {
        /** False if the record was missing or unreadable: the totals are unknown until a scan. */
        boolean valid;
        long usedBytes;
        long entries;
        long reconciledAtMillis;
        CacheStats counters = CacheStats.EMPTY;

        void added(long bytes) {
            usedBytes += bytes;
            entries++;
        }

        void removed(long bytes) {
            usedBytes = Math.max(0, usedBytes - bytes);
            entries = Math.max(0, entries - 1);
        }
    }

    /** Work done while holding the lock. */
    @FunctionalInterface
    interface Transaction<T> {
        T run(State state) throws IOException;
    }

    private final Path path;
    private final ReentrantLock jvmLock;
    private final Transaction<Void> recount;

    /** {@code recount} scans the files and calls {@link #recounted}; it runs when the record is unreadable. */
    Ledger(Path path, Transaction<Void> recount) {
        this.path = path.toAbsolutePath().normalize();
        this.recount = recount;
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.path, p -> new ReentrantLock());
    }

    /**
     * Runs {@code txn} under the lock and writes the state back afterwards, even if it threw: the files it
     * changed before throwing are changed, and the totals must say so.
     */
    <T> T update(Transaction<T> txn) throws IOException {
        jvmLock.lock();
        try (FileChannel channel = open(); FileLock ignored = channel.lock()) {
            State state = read(channel);
            if (!state.valid) {
                // Unknown totals (new directory, torn record): count once rather than write zeros over them.
                recount.run(state);
            }
            try {
                return txn.run(state);
            } finally {
                write(channel, state);
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /** A consistent copy of the state, without changing it; {@code valid} is false if it needs a recount. */
    State snapshot() throws IOException {
        jvmLock.lock();
        try (FileChannel channel = open(); FileLock ignored = channel.lock()) {
            return read(channel);
        } finally {
            jvmLock.unlock();
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static State read(FileChannel channel) throws IOException {
        State s = new State();
        ByteBuffer buf = ByteBuffer.allocate(FIELDS * Long.BYTES);
        while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
            // read until full or EOF
        }
        if (buf.hasRemaining()) {
            return s; // new or short file: unknown totals
        }
        buf.flip();
        long[] f = new long[FIELDS];
        buf.asLongBuffer().get(f);
        if (f[0] != MAGIC || f[1] != VERSION || f[FIELDS - 1] != crc(f)) {
            return s;
        }
        s.valid = true;
        s.usedBytes = f[2];
        s.entries = f[3];
        s.reconciledAtMillis = f[4];
        long[] c = new long[6];
        System.arraycopy(f, 5, c, 0, 6);
        s.counters = CacheStats.fromArray(c);
        return s;
    }

    private static void write(FileChannel channel, State s) throws IOException {
        long[] f = new long[FIELDS];
        f[0] = MAGIC;
        f[1] = VERSION;
        f[2] = s.usedBytes;
        f[3] = s.entries;
        f[4] = s.reconciledAtMillis;
        System.arraycopy(s.counters.toArray(), 0, f, 5, 6);
        f[FIELDS - 1] = crc(f);
        ByteBuffer buf = ByteBuffer.allocate(FIELDS * Long.BYTES);
        buf.asLongBuffer().put(f);
        while (buf.hasRemaining()) {
            channel.write(buf, buf.position());
        }
    }

    /** Marks the totals as just counted: an invalid record becomes valid only through here. */
    static void recounted(State s, long usedBytes, long entries, long nowMillis) {
        s.valid = true;
        s.usedBytes = usedBytes;
        s.entries = entries;
        s.reconciledAtMillis = nowMillis;
    }

    private static long crc(long[] f) {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate((FIELDS - 1) * Long.BYTES);
        for (int i = 0; i < FIELDS - 1; i++) {
            b.putLong(f[i]);
        }
        crc.update(b.array());
        return crc.getValue();
    }

    /** Nothing to release (the file is opened per transaction); kept so owners can treat it as a resource. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
