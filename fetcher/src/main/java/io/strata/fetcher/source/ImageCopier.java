package io.strata.fetcher.source;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.InvalidManifestException;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies an image between sources (registry ↔ OCI layout, or registry → registry): blobs first (skipping
 * those the destination has; every blob streamed and verified, never held whole in memory), then child
 * manifests by digest, then the top manifest or index under the destination tag. Manifest bytes are copied
 * unchanged, so digests are preserved.
 */
public final class ImageCopier {

    /**
     * What a copy did.
     *
     * @param digest       the digest of the manifest or index stored under the destination reference (null from
     *                     {@link #copyBlobs})
     * @param blobsCopied  blobs transferred
     * @param blobsSkipped blobs the destination already had
     * @param bytesCopied  bytes of the transferred blobs
     */
    public record Result(Digest digest, int blobsCopied, int blobsSkipped, long bytesCopied) {
    }

    private final BlobSource from;
    private final BlobSink to;
    private final BlobSource toSource;
    private int copied;
    private int skipped;
    private long bytes;

    private ImageCopier(BlobSource from, BlobSource to) {
        if (!(to instanceof BlobSink sink)) {
            throw new IllegalArgumentException(to.describe() + " cannot receive images (not writable)");
        }
        this.from = from;
        this.to = sink;
        this.toSource = to;
    }

    /**
     * Copies {@code src} to {@code dst}.
     *
     * @param platform the one platform to copy out of an index (its manifest is stored under {@code dst}), or
     *                 null to copy the index with every manifest
     */
    public static Result copy(BlobSource from, ImageRef src, BlobSource to, ImageRef dst, Platform platform)
            throws IOException {
        return new ImageCopier(from, to).run(src, dst, platform);
    }

    /**
     * Copies to {@code to} those of {@code blobs} it does not have yet (each streamed and verified), in order: how a
     * new image built on a base in another repository or medium gets the base's layers.
     *
     * @return the counts; its {@link Result#digest()} is null (no manifest was copied)
     */
    public static Result copyBlobs(BlobSource from, BlobSource to, List<Descriptor> blobs) throws IOException {
        ImageCopier copier = new ImageCopier(from, to);
        for (Descriptor blob : blobs) {
            copier.copyBlob(blob);
        }
        return new Result(null, copier.copied, copier.skipped, copier.bytes);
    }

    private Result run(ImageRef src, ImageRef dst, Platform platform) throws IOException {
        FetchedManifest top = from.manifest(src.reference());
        if (MediaTypes.isIndex(top.mediaType())) {
            ImageIndex index = ManifestParser.index(src + "@" + top.digest(), top.body());
            if (platform != null) {
                Descriptor chosen = ImageResolver.selectPlatform(index, src, platform);
                top = from.manifest(chosen.digest().toString());
                copyManifestContent(top, src);
            } else {
                copyIndexContent(index, src);
            }
        } else {
            copyManifestContent(top, src);
        }
        to.pushManifest(dst.reference(), top.mediaType(), top.body());
        return new Result(top.digest(), copied, skipped, bytes);
    }

    /** Every child of the index, each stored by digest before the index that names it. */
    private void copyIndexContent(ImageIndex index, ImageRef src) throws IOException {
        for (Descriptor child : index.manifests()) {
            FetchedManifest fetched = from.manifest(child.digest().toString());
            if (MediaTypes.isIndex(fetched.mediaType())) {
                copyIndexContent(ManifestParser.index(src + "@" + fetched.digest(), fetched.body()), src);
            } else {
                copyManifestContent(fetched, src);
            }
            to.pushManifest(fetched.digest().toString(), fetched.mediaType(), fetched.body());
        }
    }

    private void copyManifestContent(FetchedManifest fetched, ImageRef src) throws IOException {
        if (!MediaTypes.isManifest(fetched.mediaType())) {
            throw new InvalidManifestException(src + "@" + fetched.digest() + " is a " + fetched.mediaType()
                    + ", expected an image manifest");
        }
        Manifest manifest = ManifestParser.manifest(src + "@" + fetched.digest(), fetched.body());
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(manifest.config());
        blobs.addAll(manifest.layers());
        for (Descriptor blob : blobs) {
            copyBlob(blob);
        }
    }

    private void copyBlob(Descriptor blob) throws IOException {
        if (to.hasBlob(blob.digest())) {
            skipped++;
            return;
        }
        // The sink verifies what it receives against the digest; the source stream verifies it too.
        to.pushBlob(blob.digest(), blob.size(), () -> from.openBlob(blob.digest(), blob.size()));
        copied++;
        bytes += blob.size();
    }

    @Override
    public String toString() {
        return "ImageCopier[" + from.describe() + " -> " + toSource.describe() + "]";
    }
}
