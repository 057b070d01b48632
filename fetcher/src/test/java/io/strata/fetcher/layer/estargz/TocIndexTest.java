package io.strata.fetcher.layer.estargz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.CorruptLayerException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TOCs shaped as the reference implementation (containerd/stargz-snapshotter 0.12, {@code ctr-remote}) writes
 * them: names with a {@code ./} prefix, hard links whose {@code linkName} also has it, {@code chunkSize} on every
 * full chunk but absent on a shorter last one, and landmark files before or after the prioritized files.
 */
class TocIndexTest {

    private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    private static final long TOC_OFFSET = 1_000_000;
    private static final int CHUNK = 65536;

    /*
     * What `ctr-remote image optimize` writes when the workload opened etc/hello, a hard link whose target
     * (dir/hello-hard2, first in tar order) an upper layer hides with an opaque directory:
     *   ./  ./dir/  ./dir/hello-hard2 (reg)  ./etc/  ./etc/hello (hardlink)  .prefetch.landmark  ./big.bin  ./late
     */
    @Test
    void build_hardlinkBeforePrefetchLandmark_isPrioritized() throws Exception {
        Toc toc = new Toc(1, List.of(
                dir("./"), dir("./dir/"), reg("./dir/hello-hard2", 6, 100), dir("./etc/"),
                link("./etc/hello", "./dir/hello-hard2"),
                reg(TocIndex.PREFETCH_LANDMARK, 1, 200),
                reg("./big.bin", 10, 300),
                link("./late", "./dir/hello-hard2")));

        TocIndex.Built built = TocIndex.build(toc, TOC_OFFSET, LAYER, null);

        assertEquals(List.of("dir/hello-hard2", "etc/hello"), built.prioritized());
    }

    @Test
    void build_noPrefetchLandmarkFirst_prioritizesNothing() throws Exception {
        Toc toc = new Toc(1, List.of(reg(TocIndex.NO_PREFETCH_LANDMARK, 1, 50), dir("./"), reg("./a", 3, 100),
                link("./b", "./a")));

        TocIndex.Built built = TocIndex.build(toc, TOC_OFFSET, LAYER, null);

        assertEquals(List.of(), built.prioritized());
        assertEquals(List.of("", "a", "b"), built.index().entries().stream().map(e -> e.path()).toList());
    }

    /** 2 full chunks of 64 KiB with chunkSize, then 1000 bytes without (the reference omits it on a short last chunk). */
    @Test
    void build_referenceChunkedFile_chunksFollowEachOtherUpToTheFileSize() throws Exception {
        long size = 2L * CHUNK + 1000;
        Toc toc = new Toc(1, List.of(
                new Toc.TocEntry("./big.bin", "reg", size, null, null, 0644L, null, null, null, null, null, null,
                        null, sha("whole"), 314L, null, (long) CHUNK, sha("c0"), null),
                chunk("./big.bin", 65_893, CHUNK, (long) CHUNK, "c1"),
                chunk("./big.bin", 131_472, 2L * CHUNK, null, "c2"),
                reg("./small", 5, 140_000)));

        ChunkTable table = TocIndex.build(toc, TOC_OFFSET, LAYER, null).chunks();

        ChunkTable.FileChunks big = table.file("big.bin");
        assertEquals(3, big.count());
        assertEquals(size, big.size());
        int last = table.chunkAt(big, size - 1);
        assertEquals(1000, table.size[last]);
        assertEquals(131_472, table.compressedStart[last]);
        assertEquals(140_000, table.compressedEnd[last], "a member ends where the next one starts");
        int middle = table.chunkAt(big, CHUNK + CHUNK / 2);
        assertEquals(CHUNK, table.fileOffset[middle]);
        assertEquals(sha("c1"), table.digest[middle]);
    }

    /*
     * ctr-remote --estargz-min-chunk-size: ./x and ./y packed into the member at 500 (y after x in its stream),
     * listed in the TOC in the other order; ./z in its own member at 900.
     */
    @Test
    void build_chunksSharingAMember_sameRangeUpToTheNextMemberAndStreamOrder() throws Exception {
        Toc toc = new Toc(1, List.of(
                inner(reg("./y", 10, 500), 1536), inner(reg("./x", 100, 500), 512), reg("./z", 7, 900)));

        ChunkTable table = TocIndex.build(toc, TOC_OFFSET, LAYER, null).chunks();

        int x = table.file("x").first();
        int y = table.file("y").first();
        int z = table.file("z").first();
        assertEquals(500, table.compressedStart[y]);
        assertEquals(900, table.compressedEnd[x], "the shared member ends where the next distinct one starts");
        assertEquals(900, table.compressedEnd[y]);
        assertEquals(1536, table.innerOffset[y]);
        assertArrayEquals(new int[] {x, y}, table.sameMember(y));
        assertArrayEquals(new int[] {z}, table.sameMember(z));
        assertEquals(TOC_OFFSET, table.compressedEnd[z]);
    }

    @Test
    void build_twoChunksAtOneMemberStartWithoutInnerOffset_refusedAsOverlap() {
        Toc toc = new Toc(1, List.of(reg("./x", 100, 500), reg("./y", 10, 500)));

        CorruptLayerException e = assertThrows(CorruptLayerException.class,
                () -> TocIndex.build(toc, TOC_OFFSET, LAYER, null));

        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    private static Toc.TocEntry inner(Toc.TocEntry e, long innerOffset) {
        return new Toc.TocEntry(e.name(), e.type(), e.size(), e.modtime(), e.linkName(), e.mode(), e.uid(), e.gid(),
                e.userName(), e.groupName(), e.devMajor(), e.devMinor(), e.xattrs(), e.digest(), e.offset(),
                e.chunkOffset(), e.chunkSize(), e.chunkDigest(), innerOffset);
    }

    private static Toc.TocEntry dir(String name) {
        return new Toc.TocEntry(name, "dir", null, null, null, 0755L, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    private static Toc.TocEntry reg(String name, long size, long offset) {
        return new Toc.TocEntry(name, "reg", size, null, null, 0644L, null, null, null, null, null, null, null,
                sha(name), offset, null, null, sha(name), null);
    }

    private static Toc.TocEntry link(String name, String target) {
        return new Toc.TocEntry(name, "hardlink", null, null, target, 0644L, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    private static Toc.TocEntry chunk(String name, long offset, long chunkOffset, Long chunkSize, String content) {
        return new Toc.TocEntry(name, "chunk", null, null, null, null, null, null, null, null, null, null, null,
                null, offset, chunkOffset, chunkSize, sha(content), null);
    }

    private static String sha(String content) {
        return Digest.sha256(content.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
