package io.strata.fetcher.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.InvalidManifestException;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.testing.TestImages;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageResolverTest {
    private static final Platform ARM64 = Platform.parse("linux/arm64/v8");

    @TempDir
    Path dir;

    @Test
    void resolve_singleManifest_returnsLayersAndDiffIds() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        TestImages.Image img = TestImages.random(new Random(1), Platform.LINUX_AMD64, 10, 20, 30);
        TestImages.push(source, img, "v1");

        ResolvedImage r = ImageResolver.resolve(source, ImageRef.parse("oci:" + dir + ":v1"), Platform.LINUX_AMD64);
        assertNull(r.indexDigest());
        assertEquals(img.digest(), r.manifestDigest());
        assertEquals(img.model().layers(), r.layers());
        assertEquals(3, r.diffIds().size());
        assertEquals("linux/amd64", r.platform().toString());
    }

    @Test
    void resolve_index_picksWantedPlatform() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        Map<Platform, TestImages.Image> images = twoPlatforms();
        byte[] index = TestImages.pushIndex(source, "multi", images);

        ResolvedImage r = ImageResolver.resolve(source, ImageRef.parse("oci:" + dir + ":multi"), Platform.parse("linux/arm64"));
        assertEquals(Digest.sha256(index), r.indexDigest());
        assertEquals(images.get(ARM64).digest(), r.manifestDigest());
    }

    @Test
    void resolve_indexWithoutPlatform_listsAvailableAndFlag() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        TestImages.pushIndex(source, "multi", twoPlatforms());

        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> ImageResolver.resolve(
                source, ImageRef.parse("oci:" + dir + ":multi"), Platform.parse("linux/s390x")));
        assertTrue(e.getMessage().contains("linux/s390x"), e.getMessage());
        assertTrue(e.getMessage().contains("available: linux/amd64, linux/arm64/v8"), e.getMessage());
        assertTrue(e.getMessage().contains("--platform"), e.getMessage());
    }

    @Test
    void resolve_unreadableLayerType_namesLayerAndSupportedTypes() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        Digest layer = Digest.sha256(new byte[] {1});
        TestImages.Image img = TestImages.withLayers(Platform.LINUX_AMD64,
                List.of(Descriptor.of("application/vnd.example.layer.v1+lz4", layer, 1)),
                List.of(layer), Map.of(layer, new byte[] {1}));
        TestImages.push(source, img, "odd");

        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ImageResolver.resolve(source, ImageRef.parse("oci:" + dir + ":odd"), Platform.LINUX_AMD64));
        assertTrue(e.getMessage().contains("layer 0 " + layer.shortForm()), e.getMessage());
        assertTrue(e.getMessage().contains("application/vnd.example.layer.v1+lz4"), e.getMessage());
        assertTrue(e.getMessage().contains("tar+gzip"), e.getMessage());
    }

    @Test
    void resolve_diffIdCountMismatch_fails() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        TestImages.Image base = TestImages.random(new Random(2), Platform.LINUX_AMD64, 5, 6);
        TestImages.Image img = TestImages.withLayers(Platform.LINUX_AMD64, base.model().layers(),
                List.of(Digest.sha256(new byte[0])), base.blobs());
        TestImages.push(source, img, "bad");

        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ImageResolver.resolve(source, ImageRef.parse("oci:" + dir + ":bad"), Platform.LINUX_AMD64));
        assertTrue(e.getMessage().contains("2 layers but its config lists 1 diff_ids"), e.getMessage());
    }

    @Test
    void copy_layoutIndexToLayout_preservesDigestsAndSkipsPresentBlobs() throws Exception {
        OciLayoutBlobSource from = new OciLayoutBlobSource(dir.resolve("a"));
        byte[] index = TestImages.pushIndex(from, "multi", twoPlatforms());
        OciLayoutBlobSource to = new OciLayoutBlobSource(dir.resolve("b"));

        ImageCopier.Result first = ImageCopier.copy(from, ImageRef.parse("oci:" + dir + "/a:multi"),
                to, ImageRef.parse("oci:" + dir + "/b:copy"), null);
        assertEquals(Digest.sha256(index), first.digest());
        assertEquals(Digest.sha256(index), to.manifest("copy").digest());
        assertEquals(6, first.blobsCopied());

        ImageCopier.Result again = ImageCopier.copy(from, ImageRef.parse("oci:" + dir + "/a:multi"),
                to, ImageRef.parse("oci:" + dir + "/b:copy2"), ARM64);
        assertEquals(0, again.blobsCopied());
        assertEquals(3, again.blobsSkipped());
        ResolvedImage r = ImageResolver.resolve(to, ImageRef.parse("oci:" + dir + "/b:copy2"), Platform.LINUX_AMD64);
        assertEquals("linux/arm64/v8", r.platform().toString(), "a single-platform copy is a plain manifest");
    }

    private static Map<Platform, TestImages.Image> twoPlatforms() {
        Map<Platform, TestImages.Image> images = new LinkedHashMap<>();
        images.put(Platform.LINUX_AMD64, TestImages.random(new Random(10), Platform.LINUX_AMD64, 40, 50));
        images.put(ARM64, TestImages.random(new Random(11), ARM64, 60, 70));
        return images;
    }
}
