package io.strata.fetcher.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutBlobSourceTest {
    @TempDir
    Path dir;

    @Test
    void pushManifest_missingDirectory_createsLayoutAndTags() throws Exception {
        Path layout = dir.resolve("new/layout");
        OciLayoutBlobSource source = new OciLayoutBlobSource(layout);
        TestImages.Image img = TestImages.random(new Random(2), Platform.LINUX_AMD64, 50);
        TestImages.push(source, img, "v1");

        assertTrue(Files.isRegularFile(layout.resolve("oci-layout")));
        FetchedManifest fetched = source.manifest("v1");
        assertEquals(img.digest(), fetched.digest());
        assertEquals(MediaTypes.OCI_MANIFEST, fetched.mediaType());
        assertArrayEquals(img.manifest(), fetched.body());
    }

    @Test
    void pushManifest_sameTagTwice_replacesEntry() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        TestImages.Image a = TestImages.random(new Random(3), Platform.LINUX_AMD64, 10);
        TestImages.Image b = TestImages.random(new Random(4), Platform.LINUX_AMD64, 10);
        TestImages.push(source, a, "t");
        TestImages.push(source, b, "t");
        TestImages.push(source, a, "other");

        JsonNode index = ManifestParser.json().readTree(dir.resolve("index.json").toFile());
        assertEquals(2, index.path("manifests").size());
        assertEquals(b.digest(), source.manifest("t").digest());
        assertEquals(a.digest(), source.manifest("other").digest());
    }

    @Test
    void openBlob_corruptFile_throwsMismatchNamingDigest() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        byte[] data = "hello layer".getBytes();
        Digest d = Digest.sha256(data);
        source.pushBlob(d, data.length, () -> new ByteArrayInputStream(data));
        Files.write(source.blobPath(d), "jello layer".getBytes());

        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> {
            try (InputStream in = source.openBlob(d, data.length)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains(d.toString()), e.getMessage());
    }

    @Test
    void pushBlob_wrongContent_leavesNoBlob() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        Digest d = Digest.sha256("right".getBytes());
        assertThrows(DigestMismatchException.class,
                () -> source.pushBlob(d, 5, () -> new ByteArrayInputStream("wrong".getBytes())));
        assertFalse(source.hasBlob(d));
        try (var files = Files.list(dir.resolve("blobs/sha256"))) {
            assertEquals(0, files.count(), "temp file left behind");
        }
    }

    @Test
    void readRange_pastEnd_returnsShortOrEmpty() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        byte[] data = new byte[100];
        new Random(5).nextBytes(data);
        Digest d = Digest.sha256(data);
        source.pushBlob(d, data.length, () -> new ByteArrayInputStream(data));

        assertArrayEquals(Arrays.copyOfRange(data, 10, 30), source.readRange(d, 10, 20));
        assertArrayEquals(Arrays.copyOfRange(data, 90, 100), source.readRange(d, 90, 50));
        assertEquals(0, source.readRange(d, 200, 5).length);
    }

    @Test
    void manifest_unknownTag_saysNotFound() throws Exception {
        OciLayoutBlobSource source = new OciLayoutBlobSource(dir);
        TestImages.push(source, TestImages.random(new Random(6), Platform.LINUX_AMD64, 1), "v1");
        NotFoundException e = assertThrows(NotFoundException.class, () -> source.manifest("v9"));
        assertTrue(e.getMessage().contains("v9"), e.getMessage());
    }

    @Test
    void manifest_noLayout_saysHowToCreateOne() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> new OciLayoutBlobSource(dir.resolve("nothing")).manifest("latest"));
        assertTrue(e.getMessage().contains("no OCI image layout"), e.getMessage());
    }
}
