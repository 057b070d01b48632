package io.strata.fetcher.layer.gzindex;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.cache.chunk.ChunkKey;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryReader;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerContext;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.layer.tar.TarIndexer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexedGzipFormatTest {

    /** The request counts below are worked out for 4 MiB spans (the default is smaller; this pins the fixture). */
    private static final long SPAN = 4L << 20;


    @TempDir
    Path dir;
    Path tree;
    byte[] gz;
    byte[] tar;
    Digest digest;
    Descriptor descriptor;
    MemoryBlobSource source;
    FileStore store;
    ChunkCache chunks;
    LayerIndex table;

    @BeforeEach
    void layer() throws Exception {
        tree = GzipFixtures.tree(dir, 3);
        gz = GzipFixtures.tarGz(dir, tree);
        tar = GzipFixtures.gunzip(gz);
        source = new MemoryBlobSource();
        digest = source.put(gz);
        descriptor = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, gz.length);
        store = new FileStore(dir.resolve("cache"));
        chunks = ChunkCaches.inMemory(64 << 20);
        List<Entry> entries = TarIndexer.readAll(new ByteArrayInputStream(tar), digest.toString());
        table = new LayerIndex(digest, Digest.sha256(tar), entries);
    }

    @AfterEach
    void close() throws IOException {
        chunks.close();
    }

    /** The lead's wiring, reduced: a table kept in memory, a reader of dense files. */
    private IndexedGzipFormat format() {
        return new IndexedGzipFormat((s, layer) -> Optional.of(table), (name, bytes, index, stats) -> denseReader(bytes));
    }

    private static EntryReader denseReader(LazyGzipBytes bytes) {
        return (entry, offset, dst, dstOffset, length) -> {
            int n = (int) Math.max(0, Math.min(length, entry.size() - offset));
            bytes.readFully(entry.contentOffset() + offset, dst, dstOffset, n);
            return n;
        };
    }

    private LayerContext context() {
        return new LayerContext(source, descriptor, null, store, chunks);
    }

    private Entry entry(String path) {
        return table.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void open_withoutCheckpointIndex_declines() throws IOException {
        assertTrue(format().open(context()).isEmpty());
    }

    @Test
    void open_withIndexes_readsFilesLazilyInFewRequests() throws IOException {
        IndexedGzipFormat.store(store, GzipFixtures.index(digest, gz, SPAN));
        OpenedLayer opened = format().open(context()).orElseThrow();
        assertEquals("indexed-gzip", opened.format());
        assertNull(opened.notLazyReason());
        assertEquals(0, source.ranges.get(), "opening fetches nothing");

        Entry text = entry("text.txt");
        byte[] expected = Files.readAllBytes(tree.resolve("text.txt"));
        byte[] head = new byte[10_000];
        assertEquals(head.length, opened.reader().read(text, 1_000_000, head, 0, head.length));
        assertArrayEquals(Arrays.copyOfRange(expected, 1_000_000, 1_010_000), head);
        assertEquals(1, source.ranges.get());

        byte[] whole = new byte[(int) text.size()];
        for (int off = 0; off < whole.length; off += 128 * 1024) {
            opened.reader().read(text, off, whole, off, Math.min(128 * 1024, whole.length - off));
        }
        assertArrayEquals(expected, whole);
        // A 5 MiB file spans two or three 4 MiB spans; each is fetched about once, not once per 1 MiB chunk
        // (the first read's span again at most, when the next read's chunk straddles into it).
        assertTrue(source.ranges.get() <= 4, "requests: " + source.ranges.get());
        assertEquals(source.rangeBytes.get(), opened.stats().bytesFetched.get());
        assertTrue(source.rangeBytes.get() < gz.length * 3 / 2, "fetched " + source.rangeBytes.get() + " of " + gz.length);

        Entry random = entry("random.bin");
        byte[] rnd = new byte[(int) random.size()];
        opened.reader().read(random, 0, rnd, 0, rnd.length);
        assertArrayEquals(Files.readAllBytes(tree.resolve("random.bin")), rnd);
    }

    @Test
    void open_chunkPublishedByWholeFetch_isServedWithoutRequest() throws IOException {
        IndexedGzipFormat.store(store, GzipFixtures.index(digest, gz, SPAN));
        Entry small = entry("small/f3");
        long start = small.contentOffset() - small.contentOffset() % LazyGzipBytes.CHUNK_SIZE;
        int length = (int) Math.min(LazyGzipBytes.CHUNK_SIZE, tar.length - start);
        chunks.put(ChunkKey.ofRange(digest.toString(), start, length),
                Arrays.copyOfRange(tar, (int) start, (int) start + length));
        OpenedLayer opened = format().open(context()).orElseThrow();
        byte[] got = new byte[(int) Math.min(small.size(), start + length - small.contentOffset())];
        opened.reader().read(small, 0, got, 0, got.length);
        assertArrayEquals(Arrays.copyOfRange(tar, (int) small.contentOffset(), (int) small.contentOffset() + got.length), got);
        assertEquals(0, source.ranges.get());
    }

    @Test
    void open_tamperedBlob_readFailsWithDigestMismatch() throws IOException {
        IndexedGzipFormat.store(store, GzipFixtures.index(digest, gz, SPAN));
        byte[] bad = gz.clone();
        bad[bad.length / 2] ^= 0x10;
        source.blobs.put(digest, bad);
        OpenedLayer opened = format().open(context()).orElseThrow();
        Entry text = entry("text.txt");
        byte[] buf = new byte[(int) text.size()];
        assertThrows(DigestMismatchException.class, () -> opened.reader().read(text, 0, buf, 0, buf.length));
    }

    @Test
    void open_damagedCheckpointIndex_declinesAndDeletesIt() throws IOException {
        Path file = IndexedGzipFormat.store(store, GzipFixtures.index(digest, gz, SPAN));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertTrue(format().open(context()).isEmpty());
        assertTrue(Files.notExists(file));
    }

    @Test
    void open_notGzipLayer_declines() throws IOException {
        IndexedGzipFormat.store(store, GzipFixtures.index(digest, gz, SPAN));
        Descriptor zstd = Descriptor.of(MediaTypes.OCI_LAYER_ZSTD, digest, gz.length);
        assertTrue(format().open(new LayerContext(source, zstd, null, store, chunks)).isEmpty());
        assertEquals(EntryType.FILE, entry("random.bin").type());
    }
}
