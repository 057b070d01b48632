package io.strata.fetcher.layer.publish;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON documents of a published lazy index (OCI image-spec 1.1 artifacts, manifest.md "Guidelines for
 * Artifact Usage"; distribution-spec 1.1 "Referrers Tag Schema"):
 *
 * <pre>
 *   artifact manifest   artifactType  application/vnd.strata.lazy-index.v1
 *                       config        the empty descriptor ({} , application/vnd.oci.empty.v1+json)
 *                       subject       the image manifest the index belongs to
 *                       layers        per indexed image layer: file table + checkpoint index,
 *                                     each annotated io.strata.layer.digest = the image layer's digest
 *   referrers tag       sha256-&lt;hex of the image manifest digest&gt;: an image index listing the referrers of
 *                       that manifest (one descriptor per artifact, with its artifactType and annotations)
 * </pre>
 *
 * Pure functions over the {@code image} package's models; no I/O.
 */
final class ArtifactFormat {

    static final String ARTIFACT_TYPE = "application/vnd.strata.lazy-index.v1";
    static final String FILE_TABLE_TYPE = "application/vnd.strata.file-table.v1";
    static final String CHECKPOINTS_TYPE = "application/vnd.strata.gzip-checkpoints.v1";
    static final String LAYER_ANNOTATION = "io.strata.layer.digest";
    static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

    /** The OCI empty blob ({@code {}}), the config of artifacts that need none (image-spec manifest.md). */
    static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
    static final Descriptor EMPTY_CONFIG = Descriptor.of(MediaTypes.OCI_EMPTY, Digest.sha256(EMPTY_JSON), EMPTY_JSON.length);

    /** The blobs of one indexed image layer, as pushed. */
    record LayerBlobs(Digest layer, Descriptor fileTable, Descriptor checkpoints) {
    }

    private ArtifactFormat() {
    }

    /** The tag that holds the referrers of {@code manifest} where the registry has no referrers API. */
    static String referrersTag(Digest manifest) {
        return manifest.toTagSafe();
    }

    /** The artifact manifest of {@code layers}, referring to {@code subject}. */
    static Manifest manifest(Descriptor subject, List<LayerBlobs> layers, Instant created) {
        List<Descriptor> blobs = new ArrayList<>();
        for (LayerBlobs l : layers) {
            blobs.add(annotated(l.fileTable(), l.layer()));
            blobs.add(annotated(l.checkpoints(), l.layer()));
        }
        Descriptor bareSubject = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        return new Manifest(2, MediaTypes.OCI_MANIFEST, ARTIFACT_TYPE, EMPTY_CONFIG, blobs, bareSubject,
                Map.of(CREATED_ANNOTATION, created.toString()));
    }

    /** How the referrers index lists an artifact manifest: its descriptor, artifactType and annotations. */
    static Descriptor referrer(Digest digest, long size, Manifest artifact) {
        return new Descriptor(MediaTypes.OCI_MANIFEST, digest, size, null, artifact.annotations(), null,
                artifact.artifactType());
    }

    /**
     * The referrers index with {@code entry} added: earlier Strata indexes of the same subject are replaced (a
     * newer one supersedes them), referrers of other types are kept as they were.
     *
     * @param existing the index the referrers tag holds now, or null when there is none
     */
    static ImageIndex withReferrer(ImageIndex existing, Descriptor entry) {
        List<Descriptor> manifests = new ArrayList<>();
        if (existing != null) {
            for (Descriptor d : existing.manifests()) {
                if (!ARTIFACT_TYPE.equals(d.artifactType()) && !d.digest().equals(entry.digest())) {
                    manifests.add(d);
                }
            }
        }
        manifests.add(entry);
        return ImageIndex.of(manifests);
    }

    /**
     * The newest Strata lazy index among the referrers, by its creation annotation (entries without a parseable
     * one count as oldest; among equals the later entry wins, as a tag-schema writer appends).
     */
    static Optional<Descriptor> newest(ImageIndex referrers) {
        List<Descriptor> ours = referrers.manifests().stream()
                .filter(d -> ARTIFACT_TYPE.equals(d.artifactType()) && MediaTypes.OCI_MANIFEST.equals(d.mediaType()))
                .toList();
        Descriptor best = null;
        for (Descriptor d : ours) {
            if (best == null || Comparator.<Instant>naturalOrder().compare(created(d), created(best)) >= 0) {
                best = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The blobs the artifact holds for image layer {@code layer}: empty when it holds none, or not exactly one
     * file table and one checkpoint index (a malformed artifact is not guessed at).
     */
    static Optional<LayerBlobs> blobsOf(Manifest artifact, Digest layer) {
        Map<String, List<Descriptor>> byType = new HashMap<>();
        for (Descriptor d : artifact.layers()) {
            if (layer.toString().equals(d.annotation(LAYER_ANNOTATION))) {
                byType.computeIfAbsent(d.mediaType(), k -> new ArrayList<>()).add(d);
            }
        }
        List<Descriptor> tables = byType.getOrDefault(FILE_TABLE_TYPE, List.of());
        List<Descriptor> checkpoints = byType.getOrDefault(CHECKPOINTS_TYPE, List.of());
        if (tables.size() != 1 || checkpoints.size() != 1) {
            return Optional.empty();
        }
        return Optional.of(new LayerBlobs(layer, tables.get(0), checkpoints.get(0)));
    }

    private static Descriptor annotated(Descriptor blob, Digest layer) {
        return new Descriptor(blob.mediaType(), blob.digest(), blob.size(), null, Map.of(LAYER_ANNOTATION, layer.toString()),
                null, null);
    }

    private static Instant created(Descriptor d) {
        String text = d.annotation(CREATED_ANNOTATION);
        if (text == null) {
            return Instant.MIN;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
