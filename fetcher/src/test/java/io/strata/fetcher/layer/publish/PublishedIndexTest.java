package io.strata.fetcher.layer.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCache;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.LayerIndexes;
import io.strata.fetcher.layer.LayerOpener;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.layer.gzindex.IndexedGzipFormat;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fetcher.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build → publish → import → lazy open, against an OCI layout directory (the same {@link BlobSource} and
 * {@link BlobSink} contract a registry has). Image: one gzip layer of {@code data/f0..f7} (1.5 MB of random
 * bytes each, so the layer has several checkpoint spans) and one uncompressed layer with {@code etc/hostname}.
 */
class PublishedIndexTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    BlobSource source;
    ResolvedImage image;
    Map<String, byte[]> files = new LinkedHashMap<>();
    ChunkCache chunks;

    @BeforeEach
    void pushImage() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 8; i++) {
            byte[] data = new byte[1_500_000];
            rnd.nextBytes(data);
            files.put("data/f" + i, data);
        }
        byte[] tar1 = tar(files);
        byte[] gz = gzip(tar1);
        byte[] tar2 = tar(Map.of("etc/hostname", "strata\n".getBytes()));
        Descriptor l1 = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(gz), gz.length);
        Descriptor l2 = Descriptor.of(MediaTypes.OCI_LAYER_TAR, Digest.sha256(tar2), tar2.length);
        TestImages.Image built = TestImages.withLayers(Platform.parse("linux/amd64"), List.of(l1, l2),
                List.of(Digest.sha256(tar1), Digest.sha256(tar2)), Map.of(l1.digest(), gz, l2.digest(), tar2));
        ImageRef ref = ImageRef.parse("oci:" + dir.resolve("layout") + ":v1");
        source = BlobSources.open(ref, SourceOptions.defaults());
        TestImages.push((BlobSink) source, built, "v1");
        image = ImageResolver.resolve(source, ref, Platform.parse("linux/amd64"));
        chunks = ChunkCaches.inMemory(64 << 20);
    }

    @AfterEach
    void close() throws IOException {
        source.close();
        chunks.close();
    }

    @Test
    void build_gzipAndPlainLayer_indexesTheGzipLayerAndSkipsTheOther() throws Exception {
        FileStore store = new FileStore(dir.resolve("builder"));

        List<IndexBuilder.LayerResult> results = IndexBuilder.build(source, image, store);

        assertEquals(IndexBuilder.Status.INDEXED, results.get(0).status());
        assertEquals(image.layers().get(0).size(), results.get(0).bytesFetched());
        assertTrue(LayerIndexes.find(store, image.layers().get(0)).isPresent());
        assertEquals(IndexBuilder.Status.SKIPPED, results.get(1).status());
        assertTrue(results.get(1).reason().contains("not gzip"), results.get(1).reason());
        assertEquals(IndexBuilder.Status.ALREADY_INDEXED, IndexBuilder.build(source, image, store).get(0).status());
    }

    @Test
    void importInto_publishedOnAnotherHost_makesTheGzipLayerLazyHere() throws Exception {
        publishFromAnotherHost();
        FileStore here = new FileStore(dir.resolve("here"));

        PublishedIndex.Result result = PublishedIndex.importInto(source, image, here);

        assertEquals(List.of(image.layers().get(0).digest()), result.imported(), String.valueOf(result.note()));
        assertNotNull(result.artifact());
        OpenedLayer layer = openFirstLayer(here);
        try {
            assertEquals(IndexedGzipFormat.NAME, layer.format());
            Entry f2 = layer.index().entries().stream().filter(e -> e.path().equals("data/f2")).findFirst().orElseThrow();
            byte[] read = new byte[4096];
            int n = layer.reader().read(f2, 1000, read, 0, read.length);
            assertEquals(read.length, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(files.get("data/f2"), 1000, 1000 + 4096), read);
            // One span of about 4 MiB of the 12 MB layer, not the whole layer.
            assertTrue(layer.stats().bytesFetched.get() < image.layers().get(0).size() * 6 / 10,
                    "fetched " + layer.stats().bytesFetched.get() + " of " + image.layers().get(0).size());
        } finally {
            if (layer.reader() instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void importInto_nothingPublished_importsNothingAndSaysSo() throws Exception {
        PublishedIndex.Result result = PublishedIndex.importInto(source, image, new FileStore(dir.resolve("here")));

        assertTrue(result.imported().isEmpty());
        assertTrue(result.note().contains("no published lazy index"), result.note());
    }

    @Test
    void importInto_referrersTagHoldsAnImageManifest_importsNothingAndDoesNotThrow() throws Exception {
        ((BlobSink) source).pushManifest("sha256-" + image.manifestDigest().hex(), MediaTypes.OCI_MANIFEST,
                image.manifestBytes());
        FileStore here = new FileStore(dir.resolve("here"));

        PublishedIndex.Result result = PublishedIndex.importInto(source, image, here);

        assertTrue(result.imported().isEmpty());
        assertTrue(result.note().contains("not a referrers index"), result.note());
        assertTrue(LayerIndexes.find(here, image.layers().get(0)).isEmpty());
    }

    @Test
    void publish_referrersTagHoldsAnImageManifest_refusesToOverwriteIt() throws Exception {
        ((BlobSink) source).pushManifest("sha256-" + image.manifestDigest().hex(), MediaTypes.OCI_MANIFEST,
                image.manifestBytes());
        List<LayerIndexes.Stored> stored = indexed(IndexBuilder.build(source, image, new FileStore(dir.resolve("b"))));

        IOException e = assertThrows(IOException.class, () -> IndexPublisher.publish(source, image, stored, CLOCK));

        assertTrue(e.getMessage().contains("was not overwritten"), e.getMessage());
    }

    @Test
    void publish_twice_referrersTagListsOnlyTheNewestStrataIndex() throws Exception {
        FileStore store = new FileStore(dir.resolve("builder"));
        List<LayerIndexes.Stored> stored = indexed(IndexBuilder.build(source, image, store));
        IndexPublisher.publish(source, image, stored, CLOCK);

        IndexPublisher.Published second = IndexPublisher.publish(source, image, stored,
                Clock.offset(CLOCK, java.time.Duration.ofHours(1)));

        ImageIndex referrers = ManifestParser.index("test", source.manifest(second.referrersTag()).body());
        assertEquals(1, referrers.manifests().size());
        assertEquals(second.artifact(), referrers.manifests().get(0).digest());
        assertEquals("sha256-" + image.manifestDigest().hex(), second.referrersTag());
    }

    @Test
    void importVerified_checkpointIndexOfAnotherSizedBlob_isRefusedAndNothingStored() throws Exception {
        FileStore builder = new FileStore(dir.resolve("builder"));
        LayerIndexes.Stored stored = indexed(IndexBuilder.build(source, image, builder)).get(0);
        Descriptor layer = image.layers().get(0);
        Descriptor lying = Descriptor.of(layer.mediaType(), layer.digest(), layer.size() + 1);
        FileStore here = new FileStore(dir.resolve("here"));

        IOException e = assertThrows(IOException.class, () -> LayerIndexes.importVerified(here, lying,
                image.diffIds().get(0), stored.fileTable(), stored.checkpoints()));

        assertTrue(e.getMessage().contains("belongs to another blob"), e.getMessage());
        assertTrue(LayerIndexes.find(here, layer).isEmpty());
    }

    @Test
    void importVerified_fileTableOfAnotherLayer_isRefused() throws Exception {
        FileStore builder = new FileStore(dir.resolve("builder"));
        LayerIndexes.Stored stored = indexed(IndexBuilder.build(source, image, builder)).get(0);
        Descriptor other = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(new byte[5]), image.layers().get(0).size());

        assertThrows(IOException.class, () -> LayerIndexes.importVerified(new FileStore(dir.resolve("here")), other,
                null, stored.fileTable(), stored.checkpoints()));
    }

    private void publishFromAnotherHost() throws IOException {
        FileStore there = new FileStore(dir.resolve("there"));
        IndexPublisher.publish(source, image, indexed(IndexBuilder.build(source, image, there)), CLOCK);
    }

    private OpenedLayer openFirstLayer(FileStore store) throws IOException {
        return new LayerOpener(source, store, chunks).open(image.layers().get(0), image.diffIds().get(0));
    }

    private static List<LayerIndexes.Stored> indexed(List<IndexBuilder.LayerResult> results) {
        return results.stream().filter(IndexBuilder.LayerResult::indexed).map(IndexBuilder.LayerResult::stored).toList();
    }

    private static byte[] tar(Map<String, byte[]> content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : content.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                e.setMode(0644);
                out.putArchiveEntry(e);
                out.write(f.getValue());
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
