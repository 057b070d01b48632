package io.strata.fetcher.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.testing.TestImages;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {

    private static ResolvedImage image() throws Exception {
        TestImages.Image img = TestImages.random(new Random(1), Platform.LINUX_AMD64, 100, 3000);
        byte[] config = img.blobs().get(img.model().config().digest());
        ImageConfig model = ManifestParser.config("c", config);
        return new ResolvedImage(ImageRef.parse("127.0.0.1:5000/demo/app:v1"), null, img.digest(),
                MediaTypes.OCI_MANIFEST, img.manifest(), img.model(), config, model, img.model().layers(), model.diffIds());
    }

    @Test
    void renderTable_twoLayers_showsIdentityAndOneRowPerLayer() throws Exception {
        ResolvedImage image = image();
        String table = ImageInspector.wholeLayers().renderTable(image);
        assertTrue(table.contains("127.0.0.1:5000/demo/app:v1"), table);
        assertTrue(table.contains(image.manifestDigest().toString()), table);
        assertTrue(table.contains("linux/amd64"), table);
        assertTrue(table.contains(image.layers().get(1).digest().shortForm() + "  " + MediaTypes.OCI_LAYER_GZIP), table);
        assertTrue(table.contains("2.9 KiB"), table);
        assertTrue(table.contains(image.diffIds().get(0).shortForm()), table);
        assertEquals(2, table.lines().filter(l -> l.endsWith("whole (no lazy index; fetched once and cached)")).count(), table);
    }

    @Test
    void renderTable_customLayerFormat_usesTheFunction() throws Exception {
        String table = new ImageInspector(layer -> "estargz (lazy)").renderTable(image());
        assertTrue(table.contains("estargz (lazy)"), table);
    }

    @Test
    void renderJson_twoLayers_listsLayersWithFormat() throws Exception {
        ResolvedImage image = image();
        JsonNode json = ManifestParser.json().readTree(ImageInspector.wholeLayers().renderJson(image));
        assertEquals(image.manifestDigest().toString(), json.path("manifestDigest").asText());
        assertEquals(2, json.path("layers").size());
        assertEquals(3000, json.path("layers").path(1).path("size").asLong());
        assertEquals(image.diffIds().get(1).toString(), json.path("layers").path(1).path("diffId").asText());
        assertTrue(json.path("layers").path(0).path("format").asText().startsWith("whole"));
    }
}
