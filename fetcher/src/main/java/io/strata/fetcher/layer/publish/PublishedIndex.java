package io.strata.fetcher.layer.publish;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerIndexes;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the lazy index {@link IndexPublisher} published for an image and takes it into the local
 * {@link FileStore}, so that the mount that follows serves the image's gzip layers lazily on a host that never
 * fetched them. Best effort by design: a missing, unreachable or malformed index is logged and the layer is
 * served another way (fetched whole); it never fails the mount.
 *
 * <p>Costs nothing when every gzip layer is indexed locally; else one tag lookup, one manifest and two small
 * blobs per missing layer.
 */
public final class PublishedIndex {

    /** The {@code artifactType} of a published Strata lazy index. */
    public static final String ARTIFACT_TYPE = ArtifactFormat.ARTIFACT_TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(PublishedIndex.class);
    /** A file table of 10⁶ entries is about 100 MiB; refuse to download anything far beyond that. */
    private static final long MAX_FILE_TABLE = 512L << 20;
    /** {@link io.strata.fetcher.layer.gzindex.CheckpointIndex} files are capped at 1 GiB by their reader. */
    private static final long MAX_CHECKPOINTS = 1L << 30;

    /**
     * What an import did.
     *
     * @param artifact the artifact the indexes came from, or null when none was found or used
     * @param imported the layers whose indexes were imported
     * @param note     why nothing (or not everything) was imported, or null
     */
    public record Result(Digest artifact, List<Digest> imported, String note) {
        public Result {
            imported = List.copyOf(imported);
        }
    }

    private PublishedIndex() {
    }

    /**
     * Imports the published indexes of the gzip layers of {@code image} that {@code store} has no indexes for.
     * Never throws for a bad or missing published index (the result's note says what happened); only an
     * interruption is passed on.
     */
    public static Result importInto(BlobSource source, ResolvedImage image, FileStore store) {
        List<Integer> wanted = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            Descriptor layer = image.layers().get(i);
            if (IndexBuilder.skipReason(layer) == null && LayerIndexes.find(store, layer).isEmpty()) {
                wanted.add(i);
            }
        }
        if (wanted.isEmpty()) {
            return new Result(null, List.of(), "every gzip layer is already indexed on this host");
        }
        Manifest artifact;
        Digest artifactDigest;
        try {
            Optional<Descriptor> found = find(source, image);
            if (found.isEmpty()) {
                return info("no published lazy index for " + image.manifestDigest().shortForm()
                        + " (create one with `strata index " + image.ref() + "`)");
            }
            artifactDigest = found.get().digest();
            artifact = fetchArtifact(source, image, artifactDigest);
        } catch (IOException | RuntimeException e) {
            String why = "cannot use the published lazy index of " + image.ref() + " (its gzip layers are fetched whole): "
                    + e.getMessage();
            LOG.warn("{}", why);
            return new Result(null, List.of(), why);
        }
        List<Digest> imported = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i : wanted) {
            Descriptor layer = image.layers().get(i);
            try {
                Optional<ArtifactFormat.LayerBlobs> blobs = ArtifactFormat.blobsOf(artifact, layer.digest());
                if (blobs.isEmpty()) {
                    problems.add("layer " + layer.digest().shortForm() + " is not in it");
                    continue;
                }
                importLayer(source, store, layer, image.diffIds().get(i), blobs.get());
                imported.add(layer.digest());
            } catch (IOException | RuntimeException e) {
                if (e instanceof java.io.InterruptedIOException) {
                    Thread.currentThread().interrupt();
                }
                problems.add("layer " + layer.digest().shortForm() + ": " + e.getMessage());
            }
        }
        LOG.info("imported the published lazy index {} for {} of {} layers without a local index",
                artifactDigest.shortForm(), imported.size(), wanted.size());
        if (problems.isEmpty()) {
            return new Result(artifactDigest, imported, null);
        }
        String why = "published lazy index " + artifactDigest.shortForm() + " not used for: " + String.join("; ", problems)
                + " (those layers are fetched whole)";
        LOG.warn("{}", why);
        return new Result(artifactDigest, imported, why);
    }

    /** The newest Strata lazy index listed under the image manifest's referrers tag, if any. */
    static Optional<Descriptor> find(BlobSource source, ResolvedImage image) throws IOException {
        // The referrers API (GET /v2/<name>/referrers/<digest>) is not asked: BlobSource has no call for it, and
        // registries without it (distribution 2.8) need the tag anyway, which every publisher writes.
        String tag = ArtifactFormat.referrersTag(image.manifestDigest());
        FetchedManifest fetched;
        try {
            fetched = source.manifest(tag);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        if (!MediaTypes.OCI_INDEX.equals(fetched.mediaType())) {
            throw new IOException("tag " + tag + " holds a " + fetched.mediaType() + ", not a referrers index");
        }
        ImageIndex referrers = ManifestParser.index(source.describe() + ":" + tag, fetched.body());
        return ArtifactFormat.newest(referrers);
    }

    private static Manifest fetchArtifact(BlobSource source, ResolvedImage image, Digest digest) throws IOException {
        FetchedManifest fetched = source.manifest(digest.toString()); // by digest: verified by the source
        Manifest artifact = ManifestParser.manifest(source.describe() + "@" + digest, fetched.body());
        if (!ArtifactFormat.ARTIFACT_TYPE.equals(artifact.artifactType())) {
            throw new IOException("artifact " + digest + " has artifactType " + artifact.artifactType() + ", not "
                    + ArtifactFormat.ARTIFACT_TYPE);
        }
        if (artifact.subject() == null || !image.manifestDigest().equals(artifact.subject().digest())) {
            throw new IOException("artifact " + digest + " refers to " + (artifact.subject() == null ? "no image"
                    : artifact.subject().digest()) + ", not to " + image.manifestDigest());
        }
        return artifact;
    }

    private static void importLayer(BlobSource source, FileStore store, Descriptor layer, Digest diffId,
                                    ArtifactFormat.LayerBlobs blobs) throws IOException {
        Path table = null;
        Path checkpoints = null;
        try {
            table = download(source, store, blobs.fileTable(), MAX_FILE_TABLE, "file table");
            checkpoints = download(source, store, blobs.checkpoints(), MAX_CHECKPOINTS, "checkpoint index");
            LayerIndexes.importVerified(store, layer, diffId, table, checkpoints);
        } finally {
            if (table != null) {
                Files.deleteIfExists(table);
            }
            if (checkpoints != null) {
                Files.deleteIfExists(checkpoints);
            }
        }
    }

    /** Fetches a blob into a temp file of the store; the source verifies size and digest at its end. */
    private static Path download(BlobSource source, FileStore store, Descriptor blob, long max, String what)
            throws IOException {
        if (blob.size() > max) {
            throw new IOException("its " + what + " " + blob.digest().shortForm() + " claims " + blob.size()
                    + " bytes, more than " + (max >> 20) + " MiB");
        }
        Path file = store.newTempFile("published-" + blob.digest().hex().substring(0, 12));
        try (InputStream in = source.openBlob(blob.digest(), blob.size());
             OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    private static Result info(String note) {
        LOG.info("{}", note);
        return new Result(null, List.of(), note);
    }
}
