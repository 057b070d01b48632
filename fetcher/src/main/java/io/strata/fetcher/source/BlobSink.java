package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.io.InputStream;

/** The optional ability of a {@link BlobSource} to receive blobs and manifests (push). */
public interface BlobSink {

    /** Opens the content of a blob to upload (called once, possibly again on retry). */
    @FunctionalInterface
    interface ContentOpener {
        InputStream open() throws IOException;
    }

    boolean hasBlob(Digest digest) throws IOException;

    /** Uploads a blob of known digest and size unless it is already there. */
    void pushBlob(Digest digest, long size, ContentOpener content) throws IOException;

    /** Stores a manifest or index under {@code reference} (a tag, or its digest). */
    void pushManifest(String reference, String mediaType, byte[] body) throws IOException;
}
