package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.source.TransferCounter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReaderTest {

    private static final long SPAN = 512 * 1024;

    @TempDir
    static Path dir;
    static byte[] gz;
    static byte[] multi;
    static byte[] tar;

    @BeforeAll
    static void layers() throws Exception {
        Path tree = GzipFixtures.tree(dir, 42);
        gz = GzipFixtures.tarGz(dir, tree);
        multi = GzipFixtures.multiMember(dir, tree);
        tar = GzipFixtures.gunzip(gz);
        assertArrayEquals(tar, GzipFixtures.gunzip(multi), "both layers hold the same tar");
    }

    @Test
    void build_realGzipLayer_recordsCheckpointsAboutEverySpan() throws IOException {
        CheckpointIndex index = GzipFixtures.index(Digest.sha256(gz), gz, SPAN);
        assertEquals(gz.length, index.compressedSize());
        assertEquals(tar.length, index.uncompressedSize());
        assertTrue(index.checkpointCount() >= tar.length / SPAN / 2, "checkpoints: " + index.checkpointCount());
        assertTrue(index.checkpointCount() <= tar.length / SPAN + 1, "checkpoints: " + index.checkpointCount());
        assertTrue(index.checkpoints().stream().anyMatch(c -> c.bits() != 0), "some boundary falls inside a byte");
    }

    @Test
    void read_randomRanges_matchUncompressedBytes() throws IOException {
        assertRandomReadsMatch(gz, 1);
    }

    @Test
    void read_multiMemberRandomRanges_matchUncompressedBytes() throws IOException {
        assertRandomReadsMatch(multi, 2);
    }

    @Test
    void read_multiMemberRangeAcrossMembers_matchesUncompressedBytes() throws IOException {
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(multi);
        CheckpointIndex index = GzipFixtures.index(digest, multi, SPAN);
        CheckpointReader reader = new CheckpointReader(index, source, TransferCounter.NONE);
        long boundary = 2L << 20; // the first member ends here
        byte[] got = reader.read(boundary - 100_000, 300_000);
        assertArrayEquals(Arrays.copyOfRange(tar, (int) boundary - 100_000, (int) boundary + 200_000), got);
        byte[] whole = reader.read(0, tar.length);
        assertArrayEquals(tar, whole);
    }

    @Test
    void read_smallRange_fetchesOneSpanInOneRequest() throws IOException {
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(gz);
        CheckpointIndex index = GzipFixtures.index(digest, gz, SPAN);
        CheckpointReader reader = new CheckpointReader(index, source, TransferCounter.NONE);
        long maxSpan = 0;
        for (int i = 0; i < index.checkpointCount(); i++) {
            maxSpan = Math.max(maxSpan, index.spanEnd(i) - index.checkpoints().get(i).fetchStart());
        }
        long offset = tar.length / 2 + 12_345;
        byte[] got = reader.read(offset, 4096);
        assertArrayEquals(Arrays.copyOfRange(tar, (int) offset, (int) offset + 4096), got);
        assertEquals(1, source.ranges.get());
        assertTrue(source.rangeBytes.get() <= maxSpan * 2 && source.rangeBytes.get() < gz.length / 4,
                "fetched " + source.rangeBytes.get() + " of a " + gz.length + "-byte blob");
    }

    @Test
    void read_flippedByteInBlob_failsWithDigestMismatch() throws IOException {
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(gz);
        CheckpointIndex index = GzipFixtures.index(digest, gz, SPAN);
        byte[] damaged = gz.clone();
        int at = gz.length / 2;
        damaged[at] ^= 0x01;
        source.blobs.put(digest, damaged);
        CheckpointReader reader = new CheckpointReader(index, source, TransferCounter.NONE);
        int span = spanContaining(index, at);
        long start = index.checkpoints().get(span).uncompressedOffset();
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> reader.read(start, 100));
        assertTrue(e.getMessage().contains("span " + span), e.getMessage());
        // A span elsewhere is intact and still reads.
        assertArrayEquals(Arrays.copyOfRange(tar, 0, 100), reader.read(0, 100));
    }

    @Test
    void read_rangeOutsideStream_isRejected() throws IOException {
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(gz);
        CheckpointReader reader = new CheckpointReader(GzipFixtures.index(digest, gz, SPAN), source, TransferCounter.NONE);
        assertThrows(IllegalArgumentException.class, () -> reader.read(tar.length - 10, 11));
        assertEquals(0, source.ranges.get());
    }

    @Test
    void indexingStream_readToEnd_givesSameIndexAndBytesAsBuilder() throws IOException {
        Digest digest = Digest.sha256(multi);
        CheckpointIndex built = GzipFixtures.index(digest, multi, SPAN);
        CheckpointIndex pulled;
        try (IndexingGzipInputStream in = new IndexingGzipInputStream(new ByteArrayInputStream(multi), digest, SPAN)) {
            assertArrayEquals(tar, in.readAllBytes());
            pulled = in.finish();
        }
        assertEquals(built.checkpointCount(), pulled.checkpointCount());
        for (int i = 0; i < built.checkpointCount(); i++) {
            Checkpoint a = built.checkpoints().get(i);
            Checkpoint b = pulled.checkpoints().get(i);
            assertEquals(a.compressedOffset(), b.compressedOffset());
            assertEquals(a.uncompressedOffset(), b.uncompressedOffset());
            assertArrayEquals(a.spanDigest(), b.spanDigest());
        }
    }

    @Test
    void indexingStream_truncatedBlob_failsNamingTruncation() throws IOException {
        byte[] cut = Arrays.copyOf(gz, gz.length - 1000);
        try (InputStream in = new IndexingGzipInputStream(new ByteArrayInputStream(cut), Digest.sha256(gz), SPAN)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void build_notGzip_failsNamingOffset() throws IOException {
        try (CheckpointIndexBuilder b = new CheckpointIndexBuilder(Digest.sha256(tar), SPAN, java.io.OutputStream.nullOutputStream())) {
            IOException e = assertThrows(IOException.class, () -> b.write(tar, 0, 4096));
            assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        }
    }

    private static int spanContaining(CheckpointIndex index, long compressedOffset) {
        for (int i = index.checkpointCount() - 1; i >= 0; i--) {
            if (index.checkpoints().get(i).fetchStart() <= compressedOffset) {
                return i;
            }
        }
        throw new AssertionError("no span holds " + compressedOffset);
    }

    private void assertRandomReadsMatch(byte[] blob, long seed) throws IOException {
        MemoryBlobSource source = new MemoryBlobSource();
        Digest digest = source.put(blob);
        CheckpointIndex index = GzipFixtures.index(digest, blob, SPAN);
        CheckpointReader reader = new CheckpointReader(index, source, TransferCounter.NONE);
        Random random = new Random(seed);
        for (int i = 0; i < 40; i++) {
            int length = random.nextInt(i % 4 == 0 ? 2_000_000 : 70_000) + 1;
            long offset = (long) (random.nextDouble() * (tar.length - length));
            byte[] got = reader.read(offset, length);
            assertArrayEquals(Arrays.copyOfRange(tar, (int) offset, (int) offset + length), got,
                    "range [" + offset + ", +" + length + ")");
        }
        // Edges: the first and last bytes, and exactly at a checkpoint.
        assertArrayEquals(Arrays.copyOfRange(tar, 0, 1), reader.read(0, 1));
        assertArrayEquals(Arrays.copyOfRange(tar, tar.length - 1, tar.length), reader.read(tar.length - 1, 1));
        long cp = index.checkpoints().get(index.checkpointCount() / 2).uncompressedOffset();
        assertArrayEquals(Arrays.copyOfRange(tar, (int) cp, (int) cp + 10), reader.read(cp, 10));
    }
}
