package io.strata.cache.chunk;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunks that read-ahead brought from the disk tier for a sequential reader, kept off the heap in a fixed ring of
 * reusable, 4 KiB-aligned slots. The disk writes a chunk file straight into a slot ({@code O_DIRECT}); its blocks
 * are checked there; readers copy their 128 KiB parts out of it. The heap path this replaces allocated (and
 * zeroed) a 4 MiB array per chunk and copied the file into it: on the 2-core machine that was a third of the CPU
 * a cold sequential read of a cached 512 MiB file took (perf: memset, page faults, the copy, GC).
 *
 * <p>Slots are reused without telling readers: each carries a version that is odd while the slot is refilled
 * (a sequence lock). A reader notes the version, copies, and keeps the copy only if the version is still the
 * same; otherwise it reports a miss and its caller reads the chunk another way. A reader never blocks a refill
 * and a refill never waits for readers, and since slots are never freed, a torn copy is only ever discarded.
 *
 * <p>A refill takes an empty slot, else the least recently used slot a reader has read from (a sequential reader
 * has consumed the chunks behind it), and only then a chunk still waiting for its reader ({@link #claim}).
 */
final class StagedChunks {

    /** Payload bytes a slot holds at most: eStargz's usual chunk size; larger chunks take the heap path. */
    static final int SLOT_PAYLOAD = 4 << 20;

    private final Slot[] slots;
    private final int slotFileBytes;
    private final Map<ChunkKey, Slot> index = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();

    /** A ring of {@code slotCount} slots; each allocates its buffer when first filled. */
    StagedChunks(int slotCount) {
        if (slotCount < 1) {
            throw new IllegalArgumentException("a ring of staged chunks needs at least one slot, got " + slotCount);
        }
        slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new Slot();
        }
        slotFileBytes = (int) ChunkFiles.storedSize(SLOT_PAYLOAD);
    }

    /** A slot being filled, handed out by {@link #claim} and returned by {@link #publish} or {@link #abandon}. */
    static final class Slot {
        private ByteBuffer buffer;
        /** What readers copy from: the same memory, but a position and limit the filler never moves. */
        private ByteBuffer readView;
        /** Odd while the slot is being refilled; changes on every refill. */
        private volatile long version;
        private volatile ChunkKey key;
        private volatile int length;
        private volatile long lastUse;
        /** Whether a reader has copied from it since it was filled: a chunk read ahead waits for its reader. */
        private volatile boolean read;
        private boolean claimed; // guarded by the ring

        /** The aligned buffer the chunk file is read into. */
        ByteBuffer buffer() {
            return buffer;
        }
    }

    /** Whether {@code key} is staged now (it may be refilled the next moment). */
    boolean contains(ChunkKey key) {
        return index.containsKey(key);
    }

    /**
     * Copies {@code [offset, offset + length)} of the staged chunk {@code key} of {@code chunkLength} bytes into
     * {@code dst}; false when it is not staged, has another length, or its slot was refilled during the copy.
     */
    boolean copy(ChunkKey key, int chunkLength, int offset, byte[] dst, int dstOffset, int length) {
        Slot slot = index.get(key);
        if (slot == null) {
            return false;
        }
        long version = slot.version;
        if ((version & 1) != 0 || !key.equals(slot.key) || slot.length != chunkLength) {
            return false;
        }
        slot.readView.get(offset, dst, dstOffset, length); // absolute: no shared position to race on
        VarHandle.acquireFence(); // the copy's loads happen before the version is read again
        if (slot.version != version) {
            return false;
        }
        slot.lastUse = clock.incrementAndGet();
        slot.read = true;
        return true;
    }

    /** The whole staged chunk {@code key} as a new array, or null (see {@link #copy}). */
    byte[] copyWhole(ChunkKey key) {
        Slot slot = index.get(key);
        if (slot == null) {
            return null;
        }
        byte[] bytes = new byte[slot.length];
        return copy(key, bytes.length, 0, bytes, 0, bytes.length) ? bytes : null;
    }

    /**
     * A slot nobody is filling, taken out of the index and marked as being refilled (with its buffer allocated); null
     * when every slot is being filled. An empty slot first, then the least recently used of those a reader has read
     * from, and only then the oldest chunk still waiting for its reader: least recently used alone would refill the
     * chunks read ahead first, since they were staged before the reader last touched the chunks behind it. The
     * caller fills {@link Slot#buffer()} and then calls {@link #publish} or {@link #abandon}.
     */
    synchronized Slot claim() {
        Slot victim = null;
        for (Slot s : slots) {
            if (!s.claimed && (victim == null || rank(s) < rank(victim)
                    || (rank(s) == rank(victim) && s.lastUse < victim.lastUse))) {
                victim = s;
            }
        }
        if (victim == null) {
            return null;
        }
        victim.claimed = true;
        ChunkKey old = victim.key;
        if (old != null) {
            index.remove(old, victim);
        }
        victim.version++; // odd: readers that still hold the slot discard what they copy from now on
        VarHandle.fullFence(); // ... so the odd version is visible before the refill writes the buffer
        victim.key = null;
        if (victim.buffer == null) {
            victim.buffer = DirectReads.allocateAligned(slotFileBytes);
            victim.readView = victim.buffer.duplicate();
        }
        return victim;
    }

    /** 0 for an empty slot, 1 for one read from, 2 for one whose chunk has not been read yet. */
    private static int rank(Slot s) {
        return s.key == null ? 0 : s.read ? 1 : 2;
    }

    /** Makes the chunk {@code key} of {@code length} bytes, now at the start of the slot's buffer, readable. */
    void publish(Slot slot, ChunkKey key, int length) {
        slot.key = key;
        slot.length = length;
        slot.lastUse = clock.incrementAndGet();
        slot.read = false;
        slot.version++; // even again: a volatile write, so the buffer's contents are visible with it
        index.put(key, slot);
        release(slot);
    }

    /** Gives back a slot whose fill failed; it stays empty. */
    void abandon(Slot slot) {
        slot.version++;
        release(slot);
    }

    private synchronized void release(Slot slot) {
        slot.claimed = false;
    }
}
