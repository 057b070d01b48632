package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.TransferCounter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointIndexTest {

    @TempDir
    static Path dir;
    static byte[] gz;
    static Digest digest;
    static CheckpointIndex index;

    @BeforeAll
    static void layer() throws Exception {
        gz = GzipFixtures.multiMember(dir, GzipFixtures.tree(dir, 7));
        digest = Digest.sha256(gz);
        index = GzipFixtures.index(digest, gz, 256 * 1024);
    }

    private static byte[] serialized() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void read_writtenIndex_roundTripsAndStillReads() throws IOException {
        CheckpointIndex back = CheckpointIndex.read(serialized(), digest, "test");
        assertEquals(index.compressedSize(), back.compressedSize());
        assertEquals(index.uncompressedSize(), back.uncompressedSize());
        assertEquals(index.spanSize(), back.spanSize());
        assertEquals(index.checkpointCount(), back.checkpointCount());
        for (int i = 0; i < index.checkpointCount(); i++) {
            Checkpoint a = index.checkpoints().get(i);
            Checkpoint b = back.checkpoints().get(i);
            assertEquals(a.compressedOffset(), b.compressedOffset());
            assertEquals(a.bits(), b.bits());
            assertEquals(a.uncompressedOffset(), b.uncompressedOffset());
            assertArrayEquals(a.window(), b.window());
            assertArrayEquals(a.spanDigest(), b.spanDigest());
        }
        MemoryBlobSource source = new MemoryBlobSource();
        source.put(gz);
        byte[] tar = GzipFixtures.gunzip(gz);
        byte[] got = new CheckpointReader(back, source, TransferCounter.NONE).read(tar.length / 3, 100_000);
        assertArrayEquals(Arrays.copyOfRange(tar, tar.length / 3, tar.length / 3 + 100_000), got);
    }

    @Test
    void read_unknownVersion_isRejectedNamingVersion() throws IOException {
        byte[] bytes = serialized();
        bytes[4] = 9;
        CheckpointIndexException e = assertThrows(CheckpointIndexException.class,
                () -> CheckpointIndex.read(bytes, digest, "test"));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void read_flippedByte_isRejectedByChecksum() throws IOException {
        byte[] bytes = serialized();
        bytes[bytes.length / 2] ^= 0x40;
        CheckpointIndexException e = assertThrows(CheckpointIndexException.class,
                () -> CheckpointIndex.read(bytes, digest, "test"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void read_otherLayersIndex_isRejected() throws IOException {
        Digest other = Digest.sha256(new byte[] {1});
        CheckpointIndexException e = assertThrows(CheckpointIndexException.class,
                () -> CheckpointIndex.read(serialized(), other, "test"));
        assertTrue(e.getMessage().contains("not " + other), e.getMessage());
    }

    @Test
    void read_truncatedOrForeignFile_isRejected() throws IOException {
        byte[] bytes = serialized();
        assertThrows(CheckpointIndexException.class,
                () -> CheckpointIndex.read(Arrays.copyOf(bytes, bytes.length - 10), digest, "test"));
        assertThrows(CheckpointIndexException.class, () -> CheckpointIndex.read(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0},
                digest, "test"));
    }

    @Test
    void writeTo_realLayer_isSmallNextToLayer() throws IOException {
        int size = serialized().length;
        // About 32 KiB of window (deflated) per 256 KiB span, at most: an eighth of the uncompressed stream.
        assertTrue(size < index.uncompressedSize() / 8, "index " + size + " bytes for " + index.uncompressedSize());
    }
}
