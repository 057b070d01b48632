package io.strata.fetcher.commit;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.ImageCopier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Pushes a base image plus one new layer as a new image: the base layers the target lacks (copied from the base's
 * source, verified), the new layer's blob, the new config, then the manifest under the target's tag. Blobs go
 * before the manifest that names them, so a reader never sees a manifest with missing blobs.
 */
public final class Commit {

    /**
     * What was pushed.
     *
     * @param manifestDigest   digest of the new manifest
     * @param layer            the new layer's descriptor (as in the manifest)
     * @param diffId           the new layer's diff_id
     * @param baseBlobsCopied  base layers the target did not have
     * @param baseBlobsSkipped base layers it had already
     */
    public record Result(Digest manifestDigest, Descriptor layer, Digest diffId, int baseBlobsCopied,
                         int baseBlobsSkipped) {
    }

    private Commit() {
    }

    /**
     * Pushes {@code base} + the layer in {@code blob} to {@code target} under {@code targetRef}'s tag.
     *
     * @param baseSource where the base's layers are (the target itself when both are one repository)
     * @param written    what {@link io.strata.fetcher.layer.write.LayerWriter} wrote into {@code blob}
     * @throws IllegalArgumentException when the target cannot receive images or names a digest instead of a tag
     */
    public static Result push(ResolvedImage base, BlobSource baseSource, WrittenLayer written, Path blob,
                              CommitInfo info, BlobSource target, ImageRef targetRef) throws IOException {
        if (!(target instanceof BlobSink sink)) {
            throw new IllegalArgumentException(target.describe() + " cannot receive images (not writable)");
        }
        if (targetRef.digest() != null || targetRef.tag() == null) {
            throw new IllegalArgumentException("the target " + targetRef + " names a digest: give a tag instead"
                    + " (the committed image's digest is known only once it is built)");
        }
        AppendedImage image = AppendedImage.of(base, written, info);
        ImageCopier.Result copied = ImageCopier.copyBlobs(baseSource, target, base.layers());
        sink.pushBlob(written.digest(), written.size(), () -> Files.newInputStream(blob));
        byte[] config = image.config();
        sink.pushBlob(image.configDescriptor().digest(), config.length, () -> new ByteArrayInputStream(config));
        sink.pushManifest(targetRef.reference(), image.manifestMediaType(), image.manifest());
        return new Result(Digest.sha256(image.manifest()), image.layer(), written.diffId(), copied.blobsCopied(),
                copied.blobsSkipped());
    }
}
