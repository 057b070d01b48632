package io.strata.fetcher.layer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArtifactFormatTest {

    private static final Digest LAYER_A = Digest.sha256("layer a".getBytes(StandardCharsets.UTF_8));
    private static final Digest LAYER_B = Digest.sha256("layer b".getBytes(StandardCharsets.UTF_8));
    private static final Descriptor SUBJECT = new Descriptor(MediaTypes.OCI_MANIFEST,
            Digest.sha256("image".getBytes(StandardCharsets.UTF_8)), 1234, null, Map.of("x", "y"), null, null);

    private static ArtifactFormat.LayerBlobs blobs(Digest layer) {
        return new ArtifactFormat.LayerBlobs(layer,
                Descriptor.of(ArtifactFormat.FILE_TABLE_TYPE, Digest.sha256(("t" + layer).getBytes(StandardCharsets.UTF_8)), 10),
                Descriptor.of(ArtifactFormat.CHECKPOINTS_TYPE, Digest.sha256(("c" + layer).getBytes(StandardCharsets.UTF_8)), 20));
    }

    @Test
    void manifest_twoLayers_isAnOci11ArtifactOfTheSubject() throws Exception {
        Manifest m = ArtifactFormat.manifest(SUBJECT, List.of(blobs(LAYER_A), blobs(LAYER_B)),
                Instant.parse("2026-11-26T10:00:00Z"));
        JsonNode json = ManifestParser.json().readTree(ManifestParser.toBytes(m));

        assertEquals(2, json.path("schemaVersion").asInt());
        assertEquals(MediaTypes.OCI_MANIFEST, json.path("mediaType").asText());
        assertEquals("application/vnd.strata.lazy-index.v1", json.path("artifactType").asText());
        assertEquals("application/vnd.oci.empty.v1+json", json.path("config").path("mediaType").asText());
        assertEquals("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                json.path("config").path("digest").asText());
        assertEquals(2, json.path("config").path("size").asLong());
        assertEquals(SUBJECT.digest().toString(), json.path("subject").path("digest").asText());
        assertEquals(1234, json.path("subject").path("size").asLong());
        assertTrue(json.path("subject").path("annotations").isMissingNode(), "the subject is a bare descriptor: " + json);
        assertEquals("2026-11-26T10:00:00Z", json.path("annotations").path("org.opencontainers.image.created").asText());
        JsonNode layers = json.path("layers");
        assertEquals(4, layers.size());
        assertEquals("application/vnd.strata.file-table.v1", layers.get(0).path("mediaType").asText());
        assertEquals("application/vnd.strata.gzip-checkpoints.v1", layers.get(1).path("mediaType").asText());
        assertEquals(LAYER_A.toString(), layers.get(1).path("annotations").path("io.strata.layer.digest").asText());
        assertEquals(LAYER_B.toString(), layers.get(2).path("annotations").path("io.strata.layer.digest").asText());
    }

    @Test
    void blobsOf_parsedArtifact_findsEachLayersPair() throws Exception {
        Manifest m = ArtifactFormat.manifest(SUBJECT, List.of(blobs(LAYER_A), blobs(LAYER_B)), Instant.EPOCH);
        Manifest parsed = ManifestParser.manifest("test", ManifestParser.toBytes(m));

        assertEquals(blobs(LAYER_B).checkpoints().digest(),
                ArtifactFormat.blobsOf(parsed, LAYER_B).orElseThrow().checkpoints().digest());
        assertEquals(blobs(LAYER_A).fileTable().digest(),
                ArtifactFormat.blobsOf(parsed, LAYER_A).orElseThrow().fileTable().digest());
        assertTrue(ArtifactFormat.blobsOf(parsed, Digest.sha256(new byte[1])).isEmpty());
    }

    @Test
    void blobsOf_layerWithoutCheckpointIndex_isEmpty() {
        Descriptor table = new Descriptor(ArtifactFormat.FILE_TABLE_TYPE, Digest.sha256(new byte[2]), 2, null,
                Map.of(ArtifactFormat.LAYER_ANNOTATION, LAYER_A.toString()), null, null);
        Manifest m = new Manifest(2, MediaTypes.OCI_MANIFEST, ArtifactFormat.ARTIFACT_TYPE, ArtifactFormat.EMPTY_CONFIG,
                List.of(table), SUBJECT, null);

        assertTrue(ArtifactFormat.blobsOf(m, LAYER_A).isEmpty());
    }

    @Test
    void withReferrer_existingIndex_keepsOtherReferrersAndReplacesOlderStrataIndex() throws Exception {
        Descriptor signature = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256(new byte[3]), 300, null, null,
                null, "application/vnd.dev.cosign.artifact.sig.v1+json");
        Descriptor older = referrer(Instant.parse("2026-01-01T00:00:00Z"), 1);
        Descriptor newer = referrer(Instant.parse("2026-02-01T00:00:00Z"), 2);

        ImageIndex updated = ArtifactFormat.withReferrer(ImageIndex.of(List.of(signature, older)), newer);
        ImageIndex parsed = ManifestParser.index("test", ManifestParser.toBytes(updated));

        assertEquals(List.of(signature.digest(), newer.digest()), parsed.manifests().stream().map(Descriptor::digest).toList());
        assertEquals(MediaTypes.OCI_INDEX, parsed.mediaType());
        assertEquals(ArtifactFormat.ARTIFACT_TYPE, parsed.manifests().get(1).artifactType());
        assertEquals("2026-02-01T00:00:00Z", parsed.manifests().get(1).annotation(ArtifactFormat.CREATED_ANNOTATION));
    }

    @Test
    void withReferrer_noIndexYet_listsOnlyTheEntry() {
        Descriptor entry = referrer(Instant.EPOCH, 1);

        assertEquals(List.of(entry), ArtifactFormat.withReferrer(null, entry).manifests());
    }

    @Test
    void newest_severalStrataIndexes_picksTheLatestCreatedAndIgnoresOtherTypes() {
        Descriptor a = referrer(Instant.parse("2026-03-01T00:00:00Z"), 1);
        Descriptor b = referrer(Instant.parse("2026-05-01T00:00:00Z"), 2);
        Descriptor c = referrer(Instant.parse("2026-04-01T00:00:00Z"), 3);
        Descriptor other = new Descriptor(MediaTypes.OCI_MANIFEST, Digest.sha256(new byte[9]), 1,
                null, Map.of(ArtifactFormat.CREATED_ANNOTATION, "2027-01-01T00:00:00Z"), null, "application/other");

        assertEquals(b.digest(), ArtifactFormat.newest(ImageIndex.of(List.of(a, b, c, other))).orElseThrow().digest());
        assertTrue(ArtifactFormat.newest(ImageIndex.of(List.of(other))).isEmpty());
    }

    @Test
    void referrersTag_manifestDigest_isAlgorithmDashHex() {
        assertEquals("sha256-" + SUBJECT.digest().hex(), ArtifactFormat.referrersTag(SUBJECT.digest()));
    }

    private static Descriptor referrer(Instant created, int seed) {
        Manifest artifact = ArtifactFormat.manifest(SUBJECT, List.of(blobs(LAYER_A)), created);
        byte[] body = ManifestParser.toBytes(artifact);
        return ArtifactFormat.referrer(Digest.sha256(body), body.length + seed, artifact);
    }
}
