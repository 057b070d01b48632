package io.strata.fetcher.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.LayerWriter;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Commit} from a base in one OCI layout to another layout: the new config keeps every field of the base's
 * (unknown ones too) and gains the diff_id and history entry, the manifest keeps its family and annotations, base
 * layers are copied once and skipped the second time. The base layers are random bytes: nothing here looks inside.
 */
class CommitTest {

    private static final Instant WHEN = Instant.parse("2024-05-06T07:08:09Z");
    private static final Platform AMD64 = Platform.parse("linux/amd64");

    @TempDir
    Path tmp;

    @Test
    void push_ociBase_keepsUnknownFieldsAndAppendsLayer() throws Exception {
        ResolvedImage base = base(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP, true);
        WrittenLayer layer = layer();
        try (BlobSource from = open("base"); BlobSource to = open("target")) {
            Commit.Result r = Commit.push(base, from, layer, tmp.resolve("layer.blob"),
                    new CommitInfo(WHEN, "strata commit", "my change"), to, ImageRef.parse("oci:" + tmp.resolve("target") + ":v2"));
            assertEquals(2, r.baseBlobsCopied());
            assertEquals(0, r.baseBlobsSkipped());
            assertEquals(MediaTypes.OCI_LAYER_GZIP, r.layer().mediaType());

            ResolvedImage committed = ImageResolver.resolve(to, ImageRef.parse("oci:" + tmp.resolve("target") + ":v2"), AMD64);
            assertEquals(r.manifestDigest(), committed.manifestDigest());
            assertEquals(MediaTypes.OCI_MANIFEST, committed.manifestMediaType());
            List<Digest> diffIds = new ArrayList<>(base.diffIds());
            diffIds.add(layer.diffId());
            assertEquals(diffIds, committed.diffIds());
            assertEquals(3, committed.layers().size());
            assertEquals(layer.digest(), committed.layers().get(2).digest());
            assertEquals(base.layers(), committed.layers().subList(0, 2));

            JsonNode config = ManifestParser.json().readTree(committed.configBytes());
            assertEquals("kept", config.path("x-vendor").path("field").asText(), config.toString());
            assertEquals("30s", config.path("config").path("Healthcheck").path("Interval").asText());
            assertEquals(WHEN.toString(), config.path("created").asText());
            JsonNode history = config.path("history");
            assertEquals(4, history.size(), history.toString()); // three of the base (one empty_layer), ours
            assertEquals("step 2", history.get(2).path("created_by").asText());
            assertEquals("strata commit", history.get(3).path("created_by").asText());
            assertEquals("my change", history.get(3).path("comment").asText());
            assertEquals(WHEN.toString(), history.get(3).path("created").asText());
            JsonNode manifest = ManifestParser.json().readTree(committed.manifestBytes());
            assertEquals("base", manifest.path("annotations").path("org.example.note").asText());
        }
    }

    @Test
    void push_sameInputsTwice_sameDigestAndBaseLayersSkipped() throws Exception {
        ResolvedImage base = base(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP, true);
        WrittenLayer layer = layer();
        CommitInfo info = new CommitInfo(WHEN, "strata commit", null);
        try (BlobSource from = open("base"); BlobSource to = open("target")) {
            Commit.Result first = Commit.push(base, from, layer, tmp.resolve("layer.blob"), info, to,
                    ImageRef.parse("oci:" + tmp.resolve("target") + ":a"));
            Commit.Result second = Commit.push(base, from, layer, tmp.resolve("layer.blob"), info, to,
                    ImageRef.parse("oci:" + tmp.resolve("target") + ":b"));
            assertEquals(first.manifestDigest(), second.manifestDigest());
            assertEquals(0, second.baseBlobsCopied());
            assertEquals(2, second.baseBlobsSkipped());
        }
    }

    @Test
    void push_dockerBaseWithoutHistory_dockerLayerTypeAndHistoryPadded() throws Exception {
        ResolvedImage base = base(MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_LAYER_GZIP, false);
        WrittenLayer layer = layer();
        try (BlobSource from = open("base"); BlobSource to = open("target")) {
            Commit.Result r = Commit.push(base, from, layer, tmp.resolve("layer.blob"),
                    new CommitInfo(WHEN, "strata commit", null), to, ImageRef.parse("oci:" + tmp.resolve("target") + ":v2"));
            assertEquals(MediaTypes.DOCKER_LAYER_GZIP, r.layer().mediaType());
            ResolvedImage committed = ImageResolver.resolve(to, ImageRef.parse("oci:" + tmp.resolve("target") + ":v2"), AMD64);
            assertEquals(MediaTypes.DOCKER_MANIFEST, committed.manifestMediaType());
            JsonNode history = ManifestParser.json().readTree(committed.configBytes()).path("history");
            assertEquals(3, history.size(), "one empty entry per base layer, then ours: " + history);
            assertTrue(history.get(0).isEmpty());
            assertFalse(history.get(2).has("comment"));
        }
    }

    @Test
    void push_targetByDigest_refusedAskingForATag() throws Exception {
        ResolvedImage base = base(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_LAYER_GZIP, true);
        WrittenLayer layer = layer();
        try (BlobSource from = open("base")) {
            ImageRef byDigest = ImageRef.parse("127.0.0.1:1/x@" + Digest.sha256(new byte[0]));
            var e = assertThrows(IllegalArgumentException.class, () -> Commit.push(base, from, layer,
                    tmp.resolve("layer.blob"), new CommitInfo(WHEN, "strata commit", null), from, byDigest));
            assertTrue(e.getMessage().contains("give a tag"), e.getMessage());
        }
    }

    /** A base of two random "layers" in the layout {@code base}, tagged v1, with fields Strata does not model. */
    private ResolvedImage base(String manifestType, String layerType, boolean withHistory) throws Exception {
        try (BlobSource source = open("base")) {
            BlobSink sink = (BlobSink) source;
            List<String> layers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] data = ("layer " + i).getBytes(StandardCharsets.UTF_8);
                Digest d = push(sink, data);
                layers.add("{\"mediaType\":\"" + layerType + "\",\"digest\":\"" + d + "\",\"size\":" + data.length + "}");
            }
            String history = withHistory ? ",\"history\":[{\"created_by\":\"step 1\"},{\"created_by\":\"ENV\","
                    + "\"empty_layer\":true},{\"created_by\":\"step 2\"}]" : "";
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"x-vendor\":{\"field\":\"kept\"},"
                    + "\"config\":{\"Cmd\":[\"/bin/sh\"],\"Healthcheck\":{\"Interval\":\"30s\"}},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(new byte[1]) + "\",\""
                    + Digest.sha256(new byte[2]) + "\"]}" + history + "}").getBytes(StandardCharsets.UTF_8);
            Digest configDigest = push(sink, config);
            String configType = manifestType.equals(MediaTypes.DOCKER_MANIFEST) ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG;
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + manifestType + "\",\"config\":{\"mediaType\":\""
                    + configType + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":["
                    + String.join(",", layers) + "],\"annotations\":{\"org.example.note\":\"base\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            sink.pushManifest("v1", manifestType, manifest);
            return ImageResolver.resolve(source, ImageRef.parse("oci:" + tmp.resolve("base") + ":v1"), AMD64);
        }
    }

    private WrittenLayer layer() throws Exception {
        byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
        Entry file = new Entry("hello", EntryType.FILE, 0644, 0, 0, hello.length, 1_600_000_000L, 0, null, 0, 0, null, 0,
                hello.length, null);
        return LayerWriter.write(List.of(new NewEntry(file, () -> new ByteArrayInputStream(hello))), LayerEncoding.GZIP,
                tmp.resolve("layer.blob"), tmp);
    }

    private BlobSource open(String layout) throws Exception {
        return BlobSources.open(ImageRef.parse("oci:" + tmp.resolve(layout)), SourceOptions.defaults());
    }

    private static Digest push(BlobSink sink, byte[] data) throws Exception {
        Digest d = Digest.sha256(data);
        sink.pushBlob(d, data.length, () -> new ByteArrayInputStream(data));
        return d;
    }
}
