package io.strata.fetcher.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    private static byte[] bytes(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void digest_jsonRoundTrip_isPlainString() throws Exception {
        Digest d = Digest.parse(D1);
        String json = ManifestParser.json().writeValueAsString(d);
        assertEquals("\"" + D1 + "\"", json);
        assertEquals(d, ManifestParser.json().readValue(json, Digest.class));
    }

    @Test
    void descriptor_serialized_hasDigestStringAndNoNulls() throws Exception {
        String json = ManifestParser.json().writeValueAsString(Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse(D1), 7));
        assertEquals("{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + D1 + "\",\"size\":7}", json);
    }

    @Test
    void manifest_ociWithUnknownFields_parses() throws Exception {
        Manifest m = ManifestParser.manifest("test", bytes("{'schemaVersion':2,'mediaType':'" + MediaTypes.OCI_MANIFEST
                + "','config':{'mediaType':'" + MediaTypes.OCI_CONFIG + "','digest':'" + D1 + "','size':3,'extra':1},"
                + "'layers':[{'mediaType':'" + MediaTypes.OCI_LAYER_GZIP + "','digest':'" + D2 + "','size':10}],"
                + "'futureField':{'x':1}}"));
        assertEquals(Digest.parse(D1), m.config().digest());
        assertEquals(1, m.layers().size());
        assertEquals(10, m.layers().get(0).size());
    }

    @Test
    void mediaTypeOf_dockerSchema2Header_isManifest() throws Exception {
        byte[] body = bytes("{'schemaVersion':2,'mediaType':'" + MediaTypes.DOCKER_MANIFEST + "','config':{'mediaType':'"
                + MediaTypes.DOCKER_CONFIG + "','digest':'" + D1 + "','size':3},'layers':[{'mediaType':'"
                + MediaTypes.DOCKER_LAYER_GZIP + "','digest':'" + D2 + "','size':4}]}");
        String type = ManifestParser.mediaTypeOf("r", MediaTypes.DOCKER_MANIFEST + "; charset=utf-8", body);
        assertTrue(MediaTypes.isManifest(type));
        assertEquals(MediaTypes.Compression.GZIP,
                MediaTypes.layerCompression(ManifestParser.manifest("r", body).layers().get(0).mediaType()));
    }

    @Test
    void mediaTypeOf_genericHeader_usesMediaTypeField() throws Exception {
        byte[] body = bytes("{'schemaVersion':2,'mediaType':'" + MediaTypes.DOCKER_MANIFEST_LIST + "','manifests':[]}");
        assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, ManifestParser.mediaTypeOf("r", "application/json", body));
    }

    @Test
    void mediaTypeOf_noMediaTypeAnywhere_guessesIndexFromShape() throws Exception {
        assertEquals(MediaTypes.OCI_INDEX, ManifestParser.mediaTypeOf("r", null, bytes("{'schemaVersion':2,'manifests':[]}")));
    }

    @Test
    void index_manifestList_keepsPlatforms() throws Exception {
        ImageIndex index = ManifestParser.index("r", bytes("{'schemaVersion':2,'mediaType':'" + MediaTypes.DOCKER_MANIFEST_LIST
                + "','manifests':[{'mediaType':'" + MediaTypes.DOCKER_MANIFEST + "','digest':'" + D1 + "','size':1,"
                + "'platform':{'architecture':'arm64','os':'linux','variant':'v8'}},{'mediaType':'"
                + MediaTypes.DOCKER_MANIFEST + "','digest':'" + D2 + "','size':1,'platform':{'architecture':'amd64','os':'linux'}}]}"));
        assertEquals(List.of("linux/arm64/v8", "linux/amd64"),
                index.manifests().stream().map(d -> d.platform().toString()).toList());
        assertTrue(Platform.parse("linux/arm64").accepts(index.manifests().get(0).platform()));
    }

    @Test
    void mediaTypeOf_schema1_failsWithConversionHint() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> ManifestParser.mediaTypeOf(
                "old.example/app:1", null, bytes("{'schemaVersion':1,'name':'app','fsLayers':[]}")));
        assertTrue(e.getMessage().contains("old.example/app:1"), e.getMessage());
        assertTrue(e.getMessage().contains("skopeo copy --format v2s2"), e.getMessage());
    }

    @Test
    void mediaTypeOf_unknownType_listsSupported() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> ManifestParser.mediaTypeOf(
                "r:1", null, bytes("{'schemaVersion':2,'mediaType':'application/vnd.example+json'}")));
        assertTrue(e.getMessage().contains("application/vnd.example+json"), e.getMessage());
        assertTrue(e.getMessage().contains(MediaTypes.OCI_MANIFEST), e.getMessage());
    }

    @Test
    void manifest_malformedJson_namesReferenceAndLine() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ManifestParser.manifest("reg/app:broken", bytes("{'schemaVersion':2,\n'config': [")));
        assertTrue(e.getMessage().startsWith("malformed image manifest JSON of reg/app:broken"), e.getMessage());
        assertTrue(e.getMessage().contains("line"), e.getMessage());
    }

    @Test
    void manifest_badDigest_namesReference() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> ManifestParser.manifest("reg/app:x",
                bytes("{'schemaVersion':2,'config':{'mediaType':'a','digest':'sha256:zz','size':1},'layers':[]}")));
        assertTrue(e.getMessage().contains("reg/app:x"), e.getMessage());
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void manifest_withoutConfig_saysWhatIsMissing() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ManifestParser.manifest("r", bytes("{'schemaVersion':2,'layers':[]}")));
        assertTrue(e.getMessage().contains("without config"), e.getMessage());
    }

    @Test
    void config_dockerConfig_readsRunConfigAndDiffIds() throws Exception {
        ImageConfig c = ManifestParser.config("cfg", bytes("{'architecture':'amd64','os':'linux','config':{'Env':['A=1'],"
                + "'Cmd':['sh'],'WorkingDir':'/w','User':'1000','Labels':{'k':'v'},'ExposedPorts':{}},"
                + "'rootfs':{'type':'layers','diff_ids':['" + D1 + "','" + D3 + "']},"
                + "'history':[{'created_by':'RUN x','empty_layer':true}],'container_config':{}}"));
        assertEquals(List.of(Digest.parse(D1), Digest.parse(D3)), c.diffIds());
        assertEquals("/w", c.config().workingDir());
        assertEquals("v", c.config().labels().get("k"));
        assertEquals("linux/amd64", c.platform().toString());
        assertTrue(c.history().get(0).emptyLayer());
    }
}
