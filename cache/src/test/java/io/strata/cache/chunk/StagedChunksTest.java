package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The off-heap ring read-ahead stages chunks in: what readers get, and which slot a refill takes. */
final class StagedChunksTest {

    private static ChunkKey key(int n) {
        return ChunkKey.ofContent("sha256:" + String.format("%064x", n));
    }

    private static byte[] bytes(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Stages {@code content} as {@code key} the way the disk tier does: fill the claimed slot, then publish. */
    private static StagedChunks.Slot stage(StagedChunks ring, ChunkKey key, byte[] content) {
        StagedChunks.Slot slot = ring.claim();
        assertNotNull(slot, "no slot free");
        slot.buffer().clear().put(content).flip();
        ring.publish(slot, key, content.length);
        return slot;
    }

    @Test
    void copy_stagedChunk_givesItsBytesAtAnyOffset() {
        StagedChunks ring = new StagedChunks(2);
        byte[] content = bytes(1, 300_000);
        stage(ring, key(1), content);
        byte[] part = new byte[131_072];
        assertTrue(ring.copy(key(1), content.length, 65_536, part, 0, part.length));
        assertArrayEquals(Arrays.copyOfRange(content, 65_536, 65_536 + part.length), part);
        assertArrayEquals(content, ring.copyWhole(key(1)));
    }

    @Test
    void copy_otherLengthOrAbsentKey_isAMiss() {
        StagedChunks ring = new StagedChunks(2);
        stage(ring, key(1), bytes(1, 1000));
        assertFalse(ring.copy(key(1), 999, 0, new byte[10], 0, 10), "a chunk of another length was served");
        assertFalse(ring.copy(key(2), 1000, 0, new byte[10], 0, 10));
        assertNull(ring.copyWhole(key(2)));
    }

    @Test
    void claim_slotOfAChunk_itIsNoLongerServed() {
        StagedChunks ring = new StagedChunks(1);
        stage(ring, key(1), bytes(1, 1000));
        StagedChunks.Slot refill = ring.claim();
        assertFalse(ring.contains(key(1)));
        assertFalse(ring.copy(key(1), 1000, 0, new byte[10], 0, 10), "a slot being refilled was served");
        ring.abandon(refill);
        assertFalse(ring.copy(key(1), 1000, 0, new byte[10], 0, 10), "an abandoned slot kept its old chunk");
    }

    @Test
    void claim_everySlotBeingFilled_null() {
        StagedChunks ring = new StagedChunks(2);
        assertNotNull(ring.claim());
        assertNotNull(ring.claim());
        assertNull(ring.claim());
    }

    @Test
    void claim_chunksReadAndUnread_refillsTheReadOneFirst() {
        StagedChunks ring = new StagedChunks(3);
        StagedChunks.Slot readAhead = stage(ring, key(1), bytes(1, 100)); // staged first, never read
        StagedChunks.Slot consumed = stage(ring, key(2), bytes(2, 100));
        stage(ring, key(3), bytes(3, 100));
        assertTrue(ring.copy(key(2), 100, 0, new byte[100], 0, 100));
        assertTrue(ring.copy(key(3), 100, 0, new byte[100], 0, 100));
        assertSame(consumed, ring.claim(), "the least recently used chunk that was read is refilled first");
        assertTrue(ring.contains(key(1)), "a chunk read ahead was refilled before its reader came");
        assertTrue(ring.claim() != readAhead, "the read chunk 3 goes before the unread chunk 1");
        assertSame(readAhead, ring.claim());
    }

    @Test
    void constructor_noSlots_refused() {
        assertThrows(IllegalArgumentException.class, () -> new StagedChunks(0));
    }

    /**
     * A slot refilled over and over with chunks of one repeated byte while readers copy from it: a reader either
     * misses or gets one whole chunk, never a mix of two fills (the version check discards torn copies).
     */
    @Test
    void copy_whileTheSlotIsRefilled_neverReturnsATornCopy() throws Exception {
        StagedChunks ring = new StagedChunks(1);
        int size = 256 << 10;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong served = new AtomicLong();
        Thread writer = new Thread(() -> {
            for (int fill = 0; !stop.get(); fill++) {
                byte[] content = new byte[size];
                Arrays.fill(content, (byte) fill);
                StagedChunks.Slot slot = ring.claim();
                slot.buffer().clear().put(content).flip();
                ring.publish(slot, key(fill % 2), size);
            }
        });
        writer.start();
        try {
            Thread[] readers = new Thread[2];
            Throwable[] failure = new Throwable[1];
            for (int r = 0; r < readers.length; r++) {
                readers[r] = new Thread(() -> {
                    byte[] dst = new byte[size];
                    long deadline = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < deadline) {
                        for (int k = 0; k < 2; k++) {
                            if (ring.copy(key(k), size, 0, dst, 0, size)) {
                                served.incrementAndGet();
                                for (byte b : dst) {
                                    if (b != dst[0]) {
                                        synchronized (failure) {
                                            failure[0] = new AssertionError("a torn copy was served");
                                        }
                                        return;
                                    }
                                }
                            }
                        }
                    }
                });
                readers[r].start();
            }
            for (Thread t : readers) {
                t.join();
            }
            if (failure[0] != null) {
                throw new AssertionError(failure[0].getMessage());
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(served.get() > 0, "no copy ever succeeded");
    }
}
