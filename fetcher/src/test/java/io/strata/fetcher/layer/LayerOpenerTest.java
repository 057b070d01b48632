package io.strata.fetcher.layer;

import io.strata.fetcher.testing.MemoryBlobSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.CacheConfig;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-layer format end to end over an in-memory source:
 *
 * <pre>
 * ./            dir
 * ./data.bin    200 000 random bytes
 * ./hello.txt   "hello, layer"
 * ./again.txt   hard link to hello.txt
 * </pre>
 */
class LayerOpenerTest {

    @TempDir
    Path tmp;

    private byte[] tar;
    private byte[] data;
    private MemoryBlobSource source;
    private FileStore store;
    private ChunkCache chunks;

    @BeforeEach
    void buildLayer() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        data = new byte[200_000];
        new Random(7).nextBytes(data);
        Files.write(src.resolve("data.bin"), data);
        Files.writeString(src.resolve("hello.txt"), "hello, layer");
        Files.createLink(src.resolve("again.txt"), src.resolve("hello.txt"));
        Shell.run(tmp, "tar", "--format=pax", "--sort=name", "-cf", "layer.tar", "-C", src.toString(), ".");
        tar = Files.readAllBytes(tmp.resolve("layer.tar"));
        source = new MemoryBlobSource();
        store = new FileStore(tmp.resolve("cache"));
        // Disk tier only: every read goes through the files a later process would find.
        chunks = ChunkCaches.open(CacheConfig.builder().directory(tmp.resolve("cache")).memoryMaxBytes(0).build());
    }

    @AfterEach
    void closeChunks() throws IOException {
        chunks.close();
    }

    private OpenedLayer open(String mediaType, byte[] blob, Digest diffId) throws IOException {
        Digest digest = source.put(blob);
        return new LayerOpener(source, store, chunks).open(Descriptor.of(mediaType, digest, blob.length), diffId);
    }

    @Test
    void open_gzipLayer_indexesAndServesContent() throws Exception {
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_GZIP, gzip(tar), Digest.sha256(tar));
        assertServes(layer);
        assertEquals(LayerOpener.FORMAT, layer.format());
        assertEquals(LayerOpener.NOT_LAZY_REASON, layer.notLazyReason());
        assertEquals(1, layer.stats().requests.get());
        assertEquals(source.blobs.values().iterator().next().length, layer.stats().bytesFetched.get());
        assertEquals(Digest.sha256(tar), layer.index().diffId());
        close(layer);
    }

    @Test
    void open_concatenatedGzipMembers_readsAllMembers() throws Exception {
        int half = 512 * 100;
        byte[] twoMembers = concat(gzip(java.util.Arrays.copyOf(tar, half)), gzip(java.util.Arrays.copyOfRange(tar, half, tar.length)));
        OpenedLayer layer = open(MediaTypes.DOCKER_LAYER_GZIP, twoMembers, Digest.sha256(tar));
        assertServes(layer);
        close(layer);
    }

    @Test
    void open_zstdLayer_indexesAndServesContent() throws Exception {
        Shell.run(tmp, "zstd", "-q", "-f", "layer.tar", "-o", "layer.tar.zst");
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_ZSTD, Files.readAllBytes(tmp.resolve("layer.tar.zst")), Digest.sha256(tar));
        assertServes(layer);
        close(layer);
    }

    @Test
    void open_plainTarWithoutDiffId_computesDiffId() throws Exception {
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        assertServes(layer);
        assertEquals(Digest.sha256(tar), layer.index().diffId());
        assertArrayEquals(tar, cachedTar(layer));
        close(layer);
    }

    @Test
    void open_chunksEvictedSinceIndexed_refetchesLayerOnceAndServes() throws Exception {
        // A zstd layer has no checkpoint index: its only way back is the whole layer again.
        Shell.run(tmp, "zstd", "-q", "-f", "layer.tar", "-o", "layer.tar.zst");
        OpenedLayer first = open(MediaTypes.OCI_LAYER_ZSTD, Files.readAllBytes(tmp.resolve("layer.tar.zst")), Digest.sha256(tar));
        close(first);
        try (var admin = ChunkCaches.admin(tmp.resolve("cache"))) {
            admin.clear();
        }
        OpenedLayer second = new LayerOpener(source, store, chunks).open(first.descriptor(), Digest.sha256(tar));
        assertEquals(1, source.opens.get(), "opening from the cached index fetches nothing");
        assertServes(second);
        assertEquals(2, source.opens.get(), "the evicted content is fetched again, once");
        assertArrayEquals(tar, cachedTar(second));
        close(second);
    }

    /** The layer's uncompressed tar as its chunks in the cache hold it. */
    private byte[] cachedTar(OpenedLayer layer) {
        var out = new java.io.ByteArrayOutputStream();
        for (long start = 0; start < tar.length; start += CachedLayerBytes.CHUNK_SIZE) {
            int length = (int) Math.min(CachedLayerBytes.CHUNK_SIZE, tar.length - start);
            out.writeBytes(chunks.getIfPresent(CachedLayerBytes.keyOf(layer.descriptor(), start, length)).orElseThrow());
        }
        return out.toByteArray();
    }

    @Test
    void open_gzipLayerSecondTime_isLazyThroughItsCheckpointIndex() throws Exception {
        OpenedLayer first = open(MediaTypes.OCI_LAYER_GZIP, gzip(tar), Digest.sha256(tar));
        close(first);
        try (var admin = ChunkCaches.admin(tmp.resolve("cache"))) {
            admin.clear(); // no content left: every read of the second open must go to the blob
        }
        OpenedLayer second = new LayerOpener(source, store, chunks).open(first.descriptor(), Digest.sha256(tar));
        assertEquals("indexed-gzip", second.format());
        assertEquals(null, second.notLazyReason());
        assertEquals(0, second.stats().requests.get(), "opening from the cached indexes fetches nothing");
        assertServes(second);
        assertEquals(1, source.opens.get(), "content comes by range requests, never the whole blob again");
        assertTrue(second.stats().requests.get() > 0);
        close(second);
    }

    @Test
    void open_secondTime_fetchesNothingAndCountsCacheHit() throws Exception {
        OpenedLayer first = open(MediaTypes.OCI_LAYER_TAR, tar, Digest.sha256(tar));
        close(first);
        OpenedLayer second = new LayerOpener(source, store, chunks).open(first.descriptor(), Digest.sha256(tar));
        assertEquals(1, source.opens.get());
        assertEquals(0, second.stats().requests.get());
        assertEquals(0, second.stats().bytesFetched.get());
        assertEquals(1, second.stats().cacheHits.get());
        assertEquals(first.index().entries(), second.index().entries());
        assertServes(second);
        close(second);
    }

    @Test
    void open_diffIdMismatch_failsAndPublishesNothing() throws Exception {
        Digest wrong = Digest.sha256("not the layer".getBytes(StandardCharsets.UTF_8));
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> open(MediaTypes.OCI_LAYER_GZIP, gzip(tar), wrong));
        assertTrue(e.getMessage().contains("diff_id"), e.getMessage());
        assertEquals(wrong, e.expected());
        assertNoFilesUnder(store.root().resolve(LayerOpener.INDEXES));
        assertNoFilesUnder(store.root().resolve("chunks"));
        assertNoFilesUnder(store.root().resolve("tmp"));
    }

    @Test
    void open_corruptBlob_reportsDigestMismatchNotTarError() throws Exception {
        byte[] blob = gzip(tar);
        Digest digest = source.put(blob);
        byte[] corrupt = blob.clone();
        corrupt[corrupt.length / 2] ^= 0x55;
        source.blobs.put(digest, corrupt);
        assertThrows(DigestMismatchException.class, () -> new LayerOpener(source, store, chunks)
                .open(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, blob.length), null));
        assertNoFilesUnder(store.root().resolve(LayerOpener.INDEXES));
    }

    @Test
    void open_damagedCachedIndex_refetches() throws Exception {
        OpenedLayer first = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        close(first);
        Path index = store.find(LayerOpener.INDEXES, first.descriptor().digest().toTagSafe()).orElseThrow();
        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length / 2] ^= 1;
        Files.write(index, bytes);
        OpenedLayer second = new LayerOpener(source, store, chunks).open(first.descriptor(), null);
        assertEquals(2, source.opens.get());
        assertEquals(first.index().entries(), second.index().entries());
        close(second);
    }

    @Test
    void open_unknownIndexVersion_isRejectedAndRefetched() throws Exception {
        OpenedLayer first = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        close(first);
        Path index = store.find(LayerOpener.INDEXES, first.descriptor().digest().toTagSafe()).orElseThrow();
        byte[] bytes = Files.readAllBytes(index);
        bytes[4] = 99;
        Files.write(index, bytes);
        IndexFileException e = assertThrows(IndexFileException.class, () -> IndexFile.read(index, first.descriptor().digest()));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        close(new LayerOpener(source, store, chunks).open(first.descriptor(), null));
        assertEquals(2, source.opens.get());
    }

    @Test
    void open_notALayerMediaType_failsClearly() {
        IOException e = assertThrows(IOException.class, () -> open(MediaTypes.OCI_CONFIG, tar, null));
        assertTrue(e.getMessage().contains("not a tar layer"), e.getMessage());
    }

    @Test
    void open_hostileTar_failsAndPublishesNothing() throws Exception {
        byte[] hostile = tar.clone();
        int at = indexOf(hostile, "./data.bin".getBytes(StandardCharsets.US_ASCII));
        System.arraycopy("../dat.bin".getBytes(StandardCharsets.US_ASCII), 0, hostile, at, 10);
        fixChecksum(hostile, at / 512 * 512);
        CorruptLayerException e = assertThrows(CorruptLayerException.class, () -> open(MediaTypes.OCI_LAYER_TAR, hostile, null));
        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
        assertNoFilesUnder(store.root().resolve(LayerOpener.INDEXES));
    }

    @Test
    void read_entryOutsideCachedFile_failsInsteadOfGarbage() throws Exception {
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        Entry real = entry(layer, "data.bin");
        Entry bogus = new Entry(real.path(), real.type(), real.mode(), real.uid(), real.gid(), real.size(), 0, 0, null, 0, 0,
                Map.of(), tar.length - 100, real.storedSize(), null);
        IOException e = assertThrows(IOException.class, () -> layer.reader().read(bogus, 0, new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("data.bin") && e.getMessage().contains("corrupt"), e.getMessage());
        Entry badSparse = new Entry(real.path(), real.type(), real.mode(), real.uid(), real.gid(), 1000, 0, 0, null, 0, 0,
                Map.of(), real.contentOffset(), 10, new long[] {0, 500});
        assertThrows(IOException.class, () -> layer.reader().read(badSparse, 0, new byte[1000], 0, 1000));
        close(layer);
    }

    @Test
    void read_hardlinkEntry_servesItsTargetsContent() throws Exception {
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        Entry link = layer.index().entries().stream().filter(x -> x.type() == EntryType.HARDLINK).findFirst().orElseThrow();
        byte[] buf = new byte[64];
        int n = layer.reader().read(link, 0, buf, 0, buf.length);
        assertEquals("hello, layer", new String(buf, 0, n, StandardCharsets.UTF_8));
        close(layer);
    }

    @Test
    void read_concurrentReaders_allGetTheirBytes() throws Exception {
        OpenedLayer layer = open(MediaTypes.OCI_LAYER_TAR, tar, null);
        Entry e = entry(layer, "data.bin");
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread thread = new Thread(() -> {
                Random r = new Random(seed);
                try {
                    for (int i = 0; i < 500; i++) {
                        int off = r.nextInt(data.length);
                        byte[] buf = new byte[r.nextInt(5000) + 1];
                        int n = layer.reader().read(e, off, buf, 0, buf.length);
                        if (!java.util.Arrays.equals(buf, 0, n, data, off, off + n)) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (IOException ex) {
                    failures.incrementAndGet();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, failures.get());
        close(layer);
    }

    private void assertServes(OpenedLayer layer) throws IOException {
        List<String> paths = layer.index().entries().stream().map(Entry::path).toList();
        assertEquals(List.of("", "again.txt", "data.bin", "hello.txt"), paths);
        byte[] buf = new byte[data.length];
        Entry e = entry(layer, "data.bin");
        int done = 0;
        while (done < data.length) {
            done += layer.reader().read(e, done, buf, done, Math.min(70_001, data.length - done));
        }
        assertArrayEquals(data, buf);
        assertEquals(0, layer.reader().read(e, data.length, buf, 0, 10));
        assertTrue(layer.stats().bytesServed.get() >= data.length);
        assertTrue(layer.stats().cacheHits.get() > 0);
    }

    private static Entry entry(OpenedLayer layer, String path) {
        return layer.index().entries().stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow();
    }

    private static void close(OpenedLayer layer) throws IOException {
        ((Closeable) layer.reader()).close();
    }

    private static void assertNoFilesUnder(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                assertFalse(s.findAny().isPresent(), "files left in " + dir);
            }
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void fixChecksum(byte[] tar, int header) {
        java.util.Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, header + 148, 8);
    }
}
