package io.strata.fetcher.testing;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageConfig;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.source.BlobSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small synthetic images for tests: random layer bytes (not real tars: sources and copies do not look
 * inside), a config whose diff_ids match the layer count, and an OCI manifest.
 */
public final class TestImages {

    /** A built image: manifest bytes and every blob by digest. */
    public record Image(byte[] manifest, Digest digest, Manifest model, Map<Digest, byte[]> blobs) {
        public Descriptor descriptor(Platform platform) {
            return new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length, null, null, platform, null);
        }
    }

    private TestImages() {
    }

    /** An image of {@code layerSizes.length} random layers for {@code platform}. */
    public static Image random(Random rnd, Platform platform, int... layerSizes) {
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        List<Descriptor> layers = new ArrayList<>();
        List<Digest> diffIds = new ArrayList<>();
        for (int size : layerSizes) {
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            Digest d = Digest.sha256(data);
            blobs.put(d, data);
            layers.add(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, d, size));
            byte[] fakeDiff = new byte[8];
            rnd.nextBytes(fakeDiff);
            diffIds.add(Digest.sha256(fakeDiff));
        }
        return withLayers(platform, layers, diffIds, blobs);
    }

    /** An image of the given layer descriptors (their blobs in {@code blobs}) and diff_ids. */
    public static Image withLayers(Platform platform, List<Descriptor> layers, List<Digest> diffIds,
                                   Map<Digest, byte[]> blobs) {
        ImageConfig config = new ImageConfig(platform.architecture(), platform.os(), platform.variant(),
                new ImageConfig.RunConfig(List.of("PATH=/usr/bin"), List.of("/bin/sh"), null, "/", null, null),
                new ImageConfig.RootFs("layers", diffIds), null);
        byte[] configBytes = ManifestParser.toBytes(config);
        Digest configDigest = Digest.sha256(configBytes);
        Map<Digest, byte[]> all = new LinkedHashMap<>(blobs);
        all.put(configDigest, configBytes);
        Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, configBytes.length), layers);
        byte[] manifestBytes = ManifestParser.toBytes(manifest);
        return new Image(manifestBytes, Digest.sha256(manifestBytes), manifest, all);
    }

    /** Pushes the blobs, then the manifest under {@code reference} (a tag or the digest). */
    public static void push(BlobSink sink, Image image, String reference) throws IOException {
        for (Map.Entry<Digest, byte[]> blob : image.blobs().entrySet()) {
            byte[] data = blob.getValue();
            sink.pushBlob(blob.getKey(), data.length, () -> new ByteArrayInputStream(data));
        }
        sink.pushManifest(reference, MediaTypes.OCI_MANIFEST, image.manifest());
    }

    /** Pushes each image by digest, then an index of them under {@code tag}; returns the index bytes. */
    public static byte[] pushIndex(BlobSink sink, String tag, Map<Platform, Image> images) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        for (Map.Entry<Platform, Image> e : images.entrySet()) {
            push(sink, e.getValue(), e.getValue().digest().toString());
            entries.add(e.getValue().descriptor(e.getKey()));
        }
        byte[] index = ManifestParser.toBytes(ImageIndex.of(entries));
        sink.pushManifest(tag, MediaTypes.OCI_INDEX, index);
        return index;
    }
}
