package io.strata.fetcher.layer.publish;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerIndexes;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the lazy indexes of an image's layers to the image's repository as one OCI 1.1 artifact whose
 * {@code subject} is the image manifest ({@link ArtifactFormat}), and lists it under the referrers tag
 * ({@code sha256-<hex>}) so that {@link PublishedIndex} finds it on registries without the referrers API.
 *
 * <p>The referrers tag is read, amended and written back: two publishers racing on the same image can lose one
 * entry (distribution-spec 1.1 accepts this of the tag schema); publishing again repairs it.
 */
public final class IndexPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(IndexPublisher.class);

    /**
     * What was published.
     *
     * @param artifact     the artifact manifest's digest
     * @param referrersTag the tag listing it
     * @param layers       how many layers it indexes
     */
    public record Published(Digest artifact, String referrersTag, int layers) {
    }

    private IndexPublisher() {
    }

    /**
     * Pushes the stored indexes of {@code layers} (blobs first, then the artifact manifest, then the referrers tag)
     * to the repository of {@code image}.
     *
     * @param repository the image's repository; must also be a {@link BlobSink}
     * @throws IllegalArgumentException when {@code layers} is empty or the repository cannot receive pushes
     * @throws IOException              when the referrers tag holds something that is not an image index, or a push fails
     */
    public static Published publish(BlobSource repository, ResolvedImage image, List<LayerIndexes.Stored> layers,
                                    Clock clock) throws IOException {
        if (!(repository instanceof BlobSink sink)) {
            throw new IllegalArgumentException(repository.describe() + " cannot receive pushes: publish the index to"
                    + " a registry or an OCI layout directory");
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(image.ref() + " has no layer with a lazy index to publish");
        }
        sink.pushBlob(ArtifactFormat.EMPTY_CONFIG.digest(), ArtifactFormat.EMPTY_JSON.length,
                () -> new java.io.ByteArrayInputStream(ArtifactFormat.EMPTY_JSON));
        List<ArtifactFormat.LayerBlobs> blobs = new ArrayList<>();
        for (LayerIndexes.Stored stored : layers) {
            Descriptor table = push(sink, ArtifactFormat.FILE_TABLE_TYPE, stored.fileTable());
            Descriptor checkpoints = push(sink, ArtifactFormat.CHECKPOINTS_TYPE, stored.checkpoints());
            blobs.add(new ArtifactFormat.LayerBlobs(stored.layer().digest(), table, checkpoints));
        }
        Descriptor subject = Descriptor.of(image.manifestMediaType(), image.manifestDigest(), image.manifestBytes().length);
        Manifest artifact = ArtifactFormat.manifest(subject, blobs, clock.instant().truncatedTo(ChronoUnit.SECONDS));
        byte[] body = ManifestParser.toBytes(artifact);
        Digest digest = Digest.sha256(body);
        sink.pushManifest(digest.toString(), MediaTypes.OCI_MANIFEST, body);

        String tag = ArtifactFormat.referrersTag(image.manifestDigest());
        ImageIndex current = currentReferrers(repository, tag);
        ImageIndex updated = ArtifactFormat.withReferrer(current, ArtifactFormat.referrer(digest, body.length, artifact));
        sink.pushManifest(tag, MediaTypes.OCI_INDEX, ManifestParser.toBytes(updated));
        LOG.info("published lazy index {} of {} ({} layers), listed under tag {}", digest.shortForm(), image.ref(),
                layers.size(), tag);
        return new Published(digest, tag, layers.size());
    }

    /** The referrers index the tag holds now, or null when the tag does not exist. */
    private static ImageIndex currentReferrers(BlobSource repository, String tag) throws IOException {
        FetchedManifest fetched;
        try {
            fetched = repository.manifest(tag);
        } catch (NotFoundException e) {
            return null;
        }
        if (!MediaTypes.OCI_INDEX.equals(fetched.mediaType())) {
            throw new IOException("tag " + tag + " of " + repository.describe() + " should list the referrers of the"
                    + " image (an OCI image index) but holds a " + fetched.mediaType() + "; it was not overwritten."
                    + " Remove that tag if it is not needed and publish again");
        }
        return ManifestParser.index(repository.describe() + ":" + tag, fetched.body());
    }

    private static Descriptor push(BlobSink sink, String mediaType, Path file) throws IOException {
        Digest digest;
        try (InputStream in = Files.newInputStream(file)) {
            digest = Digest.sha256(in);
        }
        long size = Files.size(file);
        sink.pushBlob(digest, size, () -> Files.newInputStream(file));
        return Descriptor.of(mediaType, digest, size);
    }
}
