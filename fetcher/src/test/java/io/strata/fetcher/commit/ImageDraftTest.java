package io.strata.fetcher.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.WrittenLayer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageDraft} as {@code strata build} uses it: a scratch image, configuration steps as {@code empty_layer}
 * history, run-config edits, several layers; the bytes never depend on the order maps happen to iterate in.
 */
class ImageDraftTest {

    private static final Instant WHEN = Instant.parse("2024-05-06T07:08:09Z");
    private static final ImageRef REF = ImageRef.parse("oci:" + Path.of("/nowhere") + ":x");

    private static WrittenLayer layer(int n, Map<String, String> annotations) {
        return new WrittenLayer(LayerEncoding.GZIP, Digest.sha256(new byte[] {(byte) n}), 10 + n,
                Digest.sha256(new byte[] {(byte) n, 0}), 100, 1, annotations);
    }

    @Test
    void scratch_samePlatform_sameBytesAndNoLayers() throws Exception {
        ImageDraft.Image a = ImageDraft.scratch(Platform.parse("linux/arm64/v8")).build();
        ImageDraft.Image b = ImageDraft.scratch(Platform.parse("linux/arm64/v8")).build();
        assertEquals(a.manifestDigest(), b.manifestDigest());
        ResolvedImage r = a.resolved(REF);
        assertEquals(List.of(), r.layers());
        assertEquals("linux/arm64/v8", r.platform().toString());
        assertEquals(MediaTypes.OCI_MANIFEST, r.manifestMediaType());
    }

    @Test
    void steps_configAndLayers_historyInOrderWithEmptyLayers() throws Exception {
        CommitInfo info = new CommitInfo(WHEN, "ENV A=1", "strata build");
        ImageDraft draft = ImageDraft.scratch(Platform.LINUX_AMD64)
                .setEnv("A", "1").setEnv("B", "2").setEnv("A", "3").appendEmptyStep(info)
                .appendLayer(layer(1, Map.of()), new CommitInfo(WHEN, "RUN x", null))
                .setWorkingDir("/app").setCmd(List.of("sh")).setEntrypoint(List.of("/e"))
                .setLabel("z", "1").setLabel("a", "2").appendEmptyStep(info)
                .appendLayer(layer(2, Map.of()), new CommitInfo(WHEN, "COPY a b", null));
        ResolvedImage image = draft.build().resolved(REF);
        assertEquals(2, image.layers().size());
        assertEquals(List.of(Digest.sha256(new byte[] {1, 0}), Digest.sha256(new byte[] {2, 0})), image.diffIds());
        JsonNode config = ManifestParser.json().readTree(image.configBytes());
        assertEquals("[\"A=3\",\"B=2\"]", config.path("config").path("Env").toString());
        assertEquals("/app", config.path("config").path("WorkingDir").asText());
        assertEquals("{\"a\":\"2\",\"z\":\"1\"}", config.path("config").path("Labels").toString());
        JsonNode history = config.path("history");
        assertEquals(4, history.size());
        assertTrue(history.get(0).path("empty_layer").asBoolean());
        assertFalse(history.get(1).has("empty_layer"));
        assertEquals("RUN x", history.get(1).path("created_by").asText());
        assertEquals(WHEN.toString(), config.path("created").asText());
        draft.setCmd(null);
        JsonNode without = ManifestParser.json().readTree(draft.build().config());
        assertFalse(without.path("config").has("Cmd"));
    }

    @Test
    void appendLayer_annotationsInAnyOrder_sameManifest() throws Exception {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("a.first", "1");
        forward.put("z.last", "2");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("z.last", "2");
        backward.put("a.first", "1");
        CommitInfo info = new CommitInfo(WHEN, "COPY", null);
        // WrittenLayer copies the map with Map.copyOf: its order is the JVM's; the manifest must not follow it.
        ImageDraft.Image one = ImageDraft.scratch(Platform.LINUX_AMD64).appendLayer(layer(1, forward), info).build();
        ImageDraft.Image two = ImageDraft.scratch(Platform.LINUX_AMD64).appendLayer(layer(1, backward), info).build();
        assertEquals(one.manifestDigest(), two.manifestDigest());
        assertTrue(new String(one.manifest(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"annotations\":{\"a.first\":\"1\",\"z.last\":\"2\"}"));
    }
}
