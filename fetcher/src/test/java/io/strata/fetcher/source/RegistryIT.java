package io.strata.fetcher.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.testing.LocalRegistry;
import io.strata.fetcher.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push, pull, ranges, verification and copies against a real distribution 2.8 registry. */
class RegistryIT {
    private static final Platform ARM64 = Platform.parse("linux/arm64/v8");
    private static LocalRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() throws IOException {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static ImageRef ref(String repoAndTag) {
        return ImageRef.parse(registry.host() + "/" + repoAndTag);
    }

    private static byte[] readAll(BlobSource source, Descriptor d) throws IOException {
        try (InputStream in = source.openBlob(d.digest(), d.size())) {
            return in.readAllBytes();
        }
    }

    @Test
    void pushAndPull_monolithic_roundTripsBlobsAndSizes() throws Exception {
        TestImages.Image img = TestImages.random(new Random(1), Platform.LINUX_AMD64, 1000, 200_000);
        ImageRef ref = ref("it/mono:v1");
        try (BlobSource source = BlobSources.open(ref, SourceOptions.defaults())) {
            TestImages.push((BlobSink) source, img, "v1");

            ResolvedImage r = ImageResolver.resolve(source, ref, Platform.LINUX_AMD64);
            assertEquals(img.digest(), r.manifestDigest());
            for (Descriptor layer : r.layers()) {
                assertArrayEquals(img.blobs().get(layer.digest()), readAll(source, layer));
                assertEquals(layer.size(), source.blobSize(layer.digest()));
            }
        }
    }

    @Test
    void pushAndPull_chunked_roundTrips() throws Exception {
        TestImages.Image img = TestImages.random(new Random(2), Platform.LINUX_AMD64, 300_001);
        ImageRef ref = ref("it/chunked:v1");
        try (BlobSource source = BlobSources.open(ref, SourceOptions.defaults().withUploadChunkSize(64 * 1024))) {
            TestImages.push((BlobSink) source, img, "v1");
            Descriptor layer = img.model().layers().get(0);
            assertArrayEquals(img.blobs().get(layer.digest()), readAll(source, layer));
            assertTrue(((BlobSink) source).hasBlob(layer.digest()));
        }
    }

    @Test
    void readRange_variousRanges_returnsExactBytes() throws Exception {
        TestImages.Image img = TestImages.random(new Random(3), Platform.LINUX_AMD64, 10_000);
        ImageRef ref = ref("it/range:v1");
        try (BlobSource source = BlobSources.open(ref, SourceOptions.defaults())) {
            TestImages.push((BlobSink) source, img, "v1");
            Digest d = img.model().layers().get(0).digest();
            byte[] data = img.blobs().get(d);

            assertArrayEquals(Arrays.copyOfRange(data, 0, 1), source.readRange(d, 0, 1));
            assertArrayEquals(Arrays.copyOfRange(data, 4096, 8192), source.readRange(d, 4096, 4096));
            assertArrayEquals(Arrays.copyOfRange(data, 9_990, 10_000), source.readRange(d, 9_990, 100));
            assertEquals(0, source.readRange(d, 10_000, 10).length, "a range at the end is empty (416)");
            // The connection must still be usable after the 416 with its wrong Content-Length.
            assertArrayEquals(Arrays.copyOfRange(data, 5, 10), source.readRange(d, 5, 5));
        }
    }

    @Test
    void openBlob_corruptedOnDisk_throwsMismatchNamingDigestAndRepo() throws Exception {
        TestImages.Image img = TestImages.random(new Random(4), Platform.LINUX_AMD64, 5000);
        ImageRef ref = ref("it/corrupt:v1");
        try (BlobSource source = BlobSources.open(ref, SourceOptions.defaults())) {
            TestImages.push((BlobSink) source, img, "v1");
            Descriptor layer = img.model().layers().get(0);
            Path file = registry.blobFile(layer.digest().hex());
            byte[] bytes = Files.readAllBytes(file);
            bytes[2500] ^= 0x55;
            Files.write(file, bytes);

            DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> readAll(source, layer));
            assertTrue(e.getMessage().contains(layer.digest().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("it/corrupt"), e.getMessage());
        }
    }

    @Test
    void manifest_unknownTag_saysNotFoundWithHint() throws Exception {
        TestImages.Image img = TestImages.random(new Random(5), Platform.LINUX_AMD64, 10);
        try (BlobSource source = BlobSources.open(ref("it/tags:v1"), SourceOptions.defaults())) {
            TestImages.push((BlobSink) source, img, "v1");
            NotFoundException e = assertThrows(NotFoundException.class, () -> source.manifest("v2"));
            assertEquals("image " + registry.host() + "/it/tags:v2 not found: check the name and tag (`strata inspect`)",
                    e.getMessage());
        }
        try (BlobSource missing = BlobSources.open(ref("it/never-pushed:v1"), SourceOptions.defaults())) {
            assertThrows(NotFoundException.class, () -> missing.manifest("v1"));
        }
    }

    @Test
    void copy_layoutToRegistryToLayout_isByteIdentical() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        OciLayoutBlobSource layoutA = new OciLayoutBlobSource(a);
        Map<Platform, TestImages.Image> images = new LinkedHashMap<>();
        images.put(Platform.LINUX_AMD64, TestImages.random(new Random(6), Platform.LINUX_AMD64, 70_000, 3));
        images.put(ARM64, TestImages.random(new Random(7), ARM64, 90_000));
        byte[] index = TestImages.pushIndex(layoutA, "multi", images);

        ImageRef remote = ref("it/copy:multi");
        SourceOptions options = SourceOptions.defaults().withUploadChunkSize(32 * 1024);
        try (BlobSource reg = BlobSources.open(remote, options);
             BlobSource layoutB = BlobSources.open(ImageRef.parse("oci:" + b + ":back"), options)) {
            ImageCopier.Result up = ImageCopier.copy(layoutA, ImageRef.parse("oci:" + a + ":multi"), reg, remote, null);
            assertEquals(Digest.sha256(index), up.digest());
            assertEquals(5, up.blobsCopied(), "amd64: 2 layers + config, arm64: 1 layer + config");

            ImageCopier.Result down = ImageCopier.copy(reg, remote, layoutB, ImageRef.parse("oci:" + b + ":back"), null);
            assertEquals(up.digest(), down.digest());
            assertEquals(Digest.sha256(index), layoutB.manifest("back").digest());
            ResolvedImage arm = ImageResolver.resolve(layoutB, ImageRef.parse("oci:" + b + ":back"), ARM64);
            assertEquals(images.get(ARM64).digest(), arm.manifestDigest());
        }
        assertEquals(blobFiles(a), blobFiles(b));
        for (String name : blobFiles(a).keySet()) {
            assertArrayEquals(Files.readAllBytes(a.resolve("blobs/sha256/" + name)),
                    Files.readAllBytes(b.resolve("blobs/sha256/" + name)), name);
        }
    }

    @Test
    void skopeoCopy_ourLayoutIntoRegistry_resolvesWithSameDigests() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "skopeo not installed");
        Path a = dir.resolve("a");
        TestImages.Image img = TestImages.random(new Random(8), Platform.LINUX_AMD64, 4000, 5000);
        TestImages.push(new OciLayoutBlobSource(a), img, "v1");

        Process p = new ProcessBuilder("skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                "oci:" + a + ":v1", "docker://" + registry.host() + "/it/skopeo:v1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("skopeo.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "skopeo copy hung");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("skopeo.log")));

        try (BlobSource source = BlobSources.open(ref("it/skopeo:v1"), SourceOptions.defaults())) {
            ResolvedImage r = ImageResolver.resolve(source, ref("it/skopeo:v1"), Platform.LINUX_AMD64);
            assertEquals(img.digest(), r.manifestDigest());
            assertArrayEquals(img.blobs().get(r.layers().get(1).digest()), readAll(source, r.layers().get(1)));
        }
    }

    private static Map<String, Long> blobFiles(Path layout) throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                out.put(f.getFileName().toString(), Files.size(f));
            }
        }
        return out;
    }
}
