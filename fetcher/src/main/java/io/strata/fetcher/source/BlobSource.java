package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the manifests and blobs of one repository come from: an OCI distribution registry or a local OCI
 * image layout directory. Safe for concurrent use.
 */
public interface BlobSource extends Closeable {

    /** For messages: {@code 127.0.0.1:5000/demo/app} or {@code oci:/path/layout}. */
    String describe();

    /**
     * Fetches a manifest or image index by tag or digest. When fetched by digest, the bytes are verified.
     *
     * @throws NotFoundException when the repository, tag or digest does not exist
     */
    FetchedManifest manifest(String reference) throws IOException;

    /** The size of a blob in bytes. @throws NotFoundException when absent */
    long blobSize(Digest digest) throws IOException;

    /**
     * Streams a whole blob. The stream verifies size and digest as it reaches the end and throws
     * {@link io.strata.fetcher.image.DigestMismatchException} (naming the blob) instead of a clean EOF on a mismatch.
     *
     * @param expectedSize the size the descriptor claims, or -1 when unknown
     */
    InputStream openBlob(Digest digest, long expectedSize) throws IOException;

    /**
     * Reads {@code length} bytes of a blob at {@code offset} with one range request. The bytes are raw (the
     * caller verifies the chunk they belong to). Fewer bytes only when the blob ends first.
     */
    byte[] readRange(Digest digest, long offset, int length) throws IOException;

    /**
     * Streams {@code length} bytes of a blob from {@code offset} with one range request, for callers that use the
     * first bytes while the rest is still arriving (a bulk prefetch of many chunks). The bytes are raw, as with
     * {@link #readRange}; the stream ends early only when the blob does. The default reads the range whole first.
     */
    default InputStream openRange(Digest digest, long offset, long length) throws IOException {
        return new java.io.ByteArrayInputStream(readRange(digest, offset, Math.toIntExact(length)));
    }

    /** {@link #openRange(Digest, long, long)}, reporting the request and every byte read to {@code counter}. */
    default InputStream openRange(Digest digest, long offset, long length, TransferCounter counter) throws IOException {
        counter.request();
        return new CountingInputStream(openRange(digest, offset, length), counter);
    }

    /** {@link #openBlob(Digest, long)}, reporting the request and every byte read to {@code counter}. */
    default InputStream openBlob(Digest digest, long expectedSize, TransferCounter counter) throws IOException {
        counter.request();
        return new CountingInputStream(openBlob(digest, expectedSize), counter);
    }

    /** {@link #readRange(Digest, long, int)}, reporting the request and the bytes to {@code counter}. */
    default byte[] readRange(Digest digest, long offset, int length, TransferCounter counter) throws IOException {
        counter.request();
        byte[] bytes = readRange(digest, offset, length);
        counter.add(bytes.length);
        return bytes;
    }

    @Override
    void close() throws IOException;
}
