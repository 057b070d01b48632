package io.strata.fetcher.layer.estargz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.cache.FileStore;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.LayerContext;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fetcher.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-layer image in an OCI layout (tag {@code src}, layer {@code tar+gzip} of the fixture below) converted to
 * eStargz into the same layout (tag {@code esgz}); both unpacked by umoci must give the same files, and the
 * converted layer must open lazily. (Like the reference converter's output, the converted tree also holds
 * {@code .prefetch.landmark} and {@code stargz.index.json} for a runtime that does not know eStargz.)
 *
 * <pre>
 * src/
 * ├── data/blob.bin   3 MiB random
 * └── hello.txt       "hi\n"
 * </pre>
 */
class EStargzConverterTest {

    @TempDir
    Path tmp;

    @Test
    void convert_ociLayoutImage_unpacksToSameTreeAndOpensLazily() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/data"));
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(src.resolve("blob.bin"), big);
        Files.writeString(tmp.resolve("src/hello.txt"), "hi\n");
        Path tar = tmp.resolve("layer.tar");
        EStargzRoundTripTest.run(tmp, "tar", "--format=pax", "-cf", tar.toString(), "-C", tmp.resolve("src").toString(), ".");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(tar));
        }
        Path layout = tmp.resolve("layout");
        try (BlobSource source = BlobSources.open(ImageRef.parse("oci:" + layout + ":src"), SourceOptions.defaults())) {
            Digest layerDigest = Digest.sha256(gz.toByteArray());
            TestImages.push((BlobSink) source, TestImages.withLayers(Platform.LINUX_AMD64,
                    List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, layerDigest, gz.size())),
                    List.of(Digest.sha256(Files.readAllBytes(tar))), Map.of(layerDigest, gz.toByteArray())), "src");
            ResolvedImage image = ImageResolver.resolve(source, ImageRef.parse("oci:" + layout + ":src"), Platform.LINUX_AMD64);

            EStargzConverter.Result result = EStargzConverter.convert(image, source, (BlobSink) source, "esgz",
                    new EStargzWriter(1 << 20, List.of("hello.txt")), Files.createDirectories(tmp.resolve("work")));

            ResolvedImage converted = ImageResolver.resolve(source, ImageRef.parse("oci:" + layout + ":esgz"), Platform.LINUX_AMD64);
            assertEquals(result.manifestDigest(), converted.manifestDigest());
            Descriptor layer = converted.layers().get(0);
            assertEquals(result.layers().get(0).tocDigest().toString(), layer.annotation(EStargzFormat.TOC_DIGEST_ANNOTATION));
            assertEquals(result.layers().get(0).diffId(), converted.diffIds().get(0));
            OpenedLayer opened = new EStargzFormat().open(new LayerContext(source, layer, converted.diffIds().get(0),
                    new FileStore(tmp.resolve("store")), ChunkCaches.inMemory(64 << 20))).orElseThrow();
            Entry blob = opened.index().entries().stream().filter(e -> e.path().equals("data/blob.bin")).findFirst().orElseThrow();
            byte[] got = new byte[big.length];
            assertEquals(big.length, opened.reader().read(blob, 0, got, 0, got.length));
            assertArrayEquals(big, got);
            assertTrue(Files.list(tmp.resolve("work")).findAny().isEmpty(), "spooled layers are deleted");
        }

        EStargzRoundTripTest.run(tmp, "umoci", "unpack", "--image", layout + ":src", tmp.resolve("b1").toString());
        EStargzRoundTripTest.run(tmp, "umoci", "unpack", "--image", layout + ":esgz", tmp.resolve("b2").toString());
        assertArrayEquals(big, Files.readAllBytes(tmp.resolve("b2/rootfs/data/blob.bin")));
        assertEquals("hi\n", Files.readString(tmp.resolve("b2/rootfs/hello.txt")));
        // A runtime that knows nothing of eStargz extracts its two extra files, as with the reference converter.
        Files.delete(tmp.resolve("b2/rootfs/.prefetch.landmark"));
        Files.delete(tmp.resolve("b2/rootfs/stargz.index.json"));
        String diff = EStargzRoundTripTest.run(tmp, "diff", "-r", "--no-dereference", tmp.resolve("b1/rootfs").toString(),
                tmp.resolve("b2/rootfs").toString());
        assertEquals("", diff);
    }
}
