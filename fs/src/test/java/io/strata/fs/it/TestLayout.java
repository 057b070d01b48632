package io.strata.fs.it;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an OCI image layout directory from layer tar files, for integration tests: each layer compressed as
 * asked (gzip, zstd or none), a config with the right diff IDs, a manifest, and {@code index.json} with the tag.
 * Written by hand (not by the code under test) so the image is an independent fixture.
 */
final class TestLayout {

    enum Compression { NONE, GZIP, ZSTD }

    private final Path dir;
    private final List<String> layerDescriptors = new ArrayList<>();
    private final List<String> diffIds = new ArrayList<>();
    private final List<Digest> layerDigests = new ArrayList<>();

    TestLayout(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    Path dir() {
        return dir;
    }

    /** Adds {@code tar} (uncompressed) as the next layer, compressed with {@code c}. */
    TestLayout addLayer(Path tar, Compression c) throws IOException, InterruptedException {
        diffIds.add("\"" + digestOf(tar) + "\"");
        Path blob = switch (c) {
            case NONE -> tar;
            case GZIP -> compress(tar, "gzip", "-n", "-c");
            case ZSTD -> compress(tar, "zstd", "-q", "-c");
        };
        String mediaType = switch (c) {
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        };
        Digest d = putBlob(Files.readAllBytes(blob));
        layerDigests.add(d);
        layerDescriptors.add("{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + d + "\",\"size\":" + Files.size(blob) + "}");
        return this;
    }

    /** The blob digests of the layers added so far, bottom first. */
    List<Digest> layerDigests() {
        return List.copyOf(layerDigests);
    }

    /** Writes config, manifest and index.json under {@code tag}; returns the manifest digest. */
    Digest finish(String tag) throws IOException {
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        Digest configDigest = putBlob(configBytes);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + configBytes.length + "},\"layers\":[" + String.join(",", layerDescriptors) + "]}";
        byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = putBlob(manifestBytes);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifestBytes.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
        return manifestDigest;
    }

    /** Pushes the finished image (tag {@code v1}) with {@code strata copy}; returns its reference. */
    String pushTo(io.strata.fetcher.testing.LocalRegistry registry, String repository) throws Exception {
        String image = registry.host() + "/it/" + repository + ":v1";
        StrataCli.run("copy", "oci:" + dir + ":v1", image);
        return image;
    }

    /** What {@code umoci unpack} makes of the finished image (tag {@code v1}): the oracle of the ITs. */
    Path unpack(Path bundle) throws IOException, InterruptedException {
        Shell.run("umoci", "unpack", "--image", dir + ":v1", bundle.toString());
        return bundle.resolve("rootfs");
    }

    private Digest putBlob(byte[] bytes) throws IOException {
        Digest d = Digest.sha256(bytes);
        Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), bytes);
        return d;
    }

    private static Digest digestOf(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return Digest.sha256(in);
        }
    }

    private static Path compress(Path tar, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tar.getParent(), "layer", ".z");
        List<String> full = new ArrayList<>(List.of(cmd));
        full.add(tar.toString());
        Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", full) + " failed (is it installed? apt-get install gzip zstd)");
        }
        return out;
    }
}
