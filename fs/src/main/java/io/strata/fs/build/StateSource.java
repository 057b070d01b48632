package io.strata.fs.build;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.FetchedManifest;
import io.strata.fetcher.source.NotFoundException;
import io.strata.fetcher.source.TransferCounter;
import java.io.IOException;
import java.io.InputStream;

/**
 * The blobs of a build's current image: what the build made (layers, configs, manifests in the build cache's OCI
 * layout) and, for everything else, the base image's repository. A mount of the current state reads the base lazily
 * through it and the new layers from local disk. It owns neither source: closing it does nothing.
 */
final class StateSource implements BlobSource {

    private final BlobSource built;
    private final BlobSink builtBlobs;
    private final BlobSource base;

    /**
     * @param built the build cache's layout (also a {@link BlobSink}, for {@code hasBlob})
     * @param base  the base image's repository, or null for {@code FROM scratch}
     */
    StateSource(BlobSource built, BlobSource base) {
        this.built = built;
        this.builtBlobs = (BlobSink) built;
        this.base = base;
    }

    private BlobSource of(Digest digest) throws IOException {
        return base == null || builtBlobs.hasBlob(digest) ? built : base;
    }

    @Override
    public String describe() {
        return built.describe() + (base == null ? "" : " over " + base.describe());
    }

    @Override
    public FetchedManifest manifest(String reference) throws IOException {
        try {
            return built.manifest(reference);
        } catch (NotFoundException e) {
            if (base == null) {
                throw e;
            }
            return base.manifest(reference);
        }
    }

    @Override
    public long blobSize(Digest digest) throws IOException {
        return of(digest).blobSize(digest);
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize) throws IOException {
        return of(digest).openBlob(digest, expectedSize);
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws IOException {
        return of(digest).readRange(digest, offset, length);
    }

    @Override
    public InputStream openRange(Digest digest, long offset, long length) throws IOException {
        return of(digest).openRange(digest, offset, length);
    }

    @Override
    public InputStream openRange(Digest digest, long offset, long length, TransferCounter counter) throws IOException {
        return of(digest).openRange(digest, offset, length, counter);
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize, TransferCounter counter) throws IOException {
        return of(digest).openBlob(digest, expectedSize, counter);
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length, TransferCounter counter) throws IOException {
        return of(digest).readRange(digest, offset, length, counter);
    }

    @Override
    public void close() {
        // owned by the build
    }
}
