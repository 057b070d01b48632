package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One repository of an OCI distribution registry (distribution-spec v1.1 "pull" and "push"): manifests and
 * blobs by GET/HEAD, single range reads, uploads monolithic or chunked. Streams are verified at EOF.
 */
final class RegistryBlobSource implements BlobSource, BlobSink {
    /** Manifests are small; a bigger body is not a manifest and must not be buffered. */
    private static final int MAX_MANIFEST = 8 << 20;
    private static final Duration RETRY_DELAY = Duration.ofMillis(250);

    private final RegistryClient client;
    private final BlobUploader uploader;

    RegistryBlobSource(ImageRef ref, SourceOptions options) throws IOException {
        this(ref, options, RETRY_DELAY);
    }

    /** For tests: a short {@code retryDelay} keeps retry tests fast. */
    RegistryBlobSource(ImageRef ref, SourceOptions options, Duration retryDelay) throws IOException {
        if (ref.isLayout()) {
            throw new IllegalArgumentException(ref + " is an OCI layout, not a registry reference");
        }
        this.client = new RegistryClient(ref.registry(), ref.repository(), options, retryDelay);
        this.uploader = new BlobUploader(client, options.uploadChunkSize());
    }

    @Override
    public String describe() {
        return client.registry + "/" + client.repository;
    }

    @Override
    public FetchedManifest manifest(String reference) throws IOException {
        String what = "GET manifest " + reference;
        Request.Builder request = new Request.Builder().url(client.url("manifests", reference)).get()
                .header("Accept", MediaTypes.MANIFEST_ACCEPT);
        try (Response response = client.send(request, false, true)) {
            if (response.code() == 404) {
                throw imageNotFound(reference);
            }
            if (response.code() != 200) {
                throw client.failure(response, what);
            }
            byte[] body = response.body().byteStream().readNBytes(MAX_MANIFEST + 1);
            String name = describe() + separator(reference) + reference;
            if (body.length > MAX_MANIFEST) {
                throw new RegistryException("manifest of " + name + " is larger than " + (MAX_MANIFEST >> 20)
                        + " MiB: not a manifest", 200, null, false, null);
            }
            String mediaType = ManifestParser.mediaTypeOf(name, response.headers().get("Content-Type"), body);
            Digest digest = Digest.sha256(body);
            if (reference.contains(":")) {
                // Fetched by digest: the bytes must be the ones the digest names (the registry is untrusted).
                Digest wanted = Digest.parse(reference);
                if (!wanted.matches(wanted.newHasher().digest(body))) {
                    throw new DigestMismatchException("manifest " + name, wanted, digest.toString());
                }
                digest = wanted;
            }
            return new FetchedManifest(mediaType, digest, body);
        }
    }

    @Override
    public long blobSize(Digest digest) throws IOException {
        Request.Builder request = new Request.Builder().url(client.url("blobs", digest.toString())).head();
        try (Response response = client.send(request, false, true)) {
            if (response.code() == 404) {
                throw blobNotFound(digest);
            }
            if (response.code() != 200) {
                throw client.failure(response, "HEAD blob " + digest);
            }
            String length = response.headers().get("Content-Length");
            if (length == null) {
                throw new RegistryException("registry " + client.registry + " answered HEAD blob " + digest
                        + " without Content-Length", 200, null, false, null);
            }
            return Long.parseLong(length.trim());
        }
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize) throws IOException {
        Request.Builder request = new Request.Builder().url(client.url("blobs", digest.toString())).get();
        Response response = client.send(request, false, true);
        if (response.code() != 200) {
            try (response) {
                if (response.code() == 404) {
                    throw blobNotFound(digest);
                }
                throw client.failure(response, "GET blob " + digest);
            }
        }
        InputStream body = new FilterInputStream(response.body().byteStream()) {
            @Override
            public void close() {
                response.close();
            }
        };
        return new VerifyingInputStream(body, digest, expectedSize, "blob " + digest + " of " + describe());
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range of blob " + digest + ": offset " + offset + ", length " + length);
        }
        if (length == 0) {
            return new byte[0];
        }
        Request.Builder request = new Request.Builder().url(client.url("blobs", digest.toString())).get()
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        try (Response response = client.send(request, false, true)) {
            switch (response.code()) {
                case 206 -> {
                    checkContentRange(response, digest, offset);
                    return response.body().byteStream().readNBytes(length);
                }
                case 200 -> {
                    // The registry (or its storage redirect) ignored Range: skip to the offset ourselves.
                    InputStream in = response.body().byteStream();
                    long skipped = in.skip(offset);
                    while (skipped < offset && in.read() >= 0) {
                        skipped++;
                    }
                    return skipped < offset ? new byte[0] : in.readNBytes(length);
                }
                case 416 -> {
                    // The offset is at or past the end. Do not read the body: distribution 2.8 sends a
                    // Content-Length that does not match what follows, which would hang or break the stream.
                    return new byte[0];
                }
                case 404 -> throw blobNotFound(digest);
                default -> throw client.failure(response, "GET blob " + digest + " range " + offset + "+" + length);
            }
        }
    }

    @Override
    public InputStream openRange(Digest digest, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range of blob " + digest + ": offset " + offset + ", length " + length);
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        Request.Builder request = new Request.Builder().url(client.url("blobs", digest.toString())).get()
                .header("Range", "bytes=" + offset + "-" + (offset + length - 1));
        Response response = client.send(request, false, true);
        try {
            switch (response.code()) {
                case 206 -> {
                    checkContentRange(response, digest, offset);
                    return new BoundedStream(response, response.body().byteStream(), length);
                }
                case 200 -> {
                    InputStream in = response.body().byteStream();
                    long skipped = in.skip(offset);
                    while (skipped < offset && in.read() >= 0) {
                        skipped++;
                    }
                    return new BoundedStream(response, in, skipped < offset ? 0 : length);
                }
                case 416 -> {
                    response.close(); // never read distribution 2.8's 416 body (wrong Content-Length)
                    return InputStream.nullInputStream();
                }
                case 404 -> throw blobNotFound(digest);
                default -> throw client.failure(response, "GET blob " + digest + " range " + offset + "+" + length);
            }
        } catch (IOException | RuntimeException e) {
            response.close();
            throw e;
        }
    }

    /** The first {@code remaining} bytes of a response body; closing it closes the response (and its connection). */
    private static final class BoundedStream extends FilterInputStream {
        private final Response response;
        private long remaining;

        BoundedStream(Response response, InputStream body, long limit) {
            super(body);
            this.response = response;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() {
            response.close();
        }
    }

    @Override
    public boolean hasBlob(Digest digest) throws IOException {
        Request.Builder request = new Request.Builder().url(client.url("blobs", digest.toString())).head();
        try (Response response = client.send(request, true, true)) {
            if (response.code() == 200) {
                return true;
            }
            if (response.code() == 404) {
                return false;
            }
            throw client.failure(response, "HEAD blob " + digest);
        }
    }

    @Override
    public void pushBlob(Digest digest, long size, ContentOpener content) throws IOException {
        if (hasBlob(digest)) {
            return;
        }
        uploader.upload(digest, size, content);
    }

    @Override
    public void pushManifest(String reference, String mediaType, byte[] body) throws IOException {
        Request.Builder request = new Request.Builder().url(client.url("manifests", reference))
                .put(RequestBody.create(body, MediaType.get(mediaType)));
        try (Response response = client.send(request, true, true)) {
            if (response.code() != 201 && response.code() != 200) {
                throw client.failure(response, "PUT manifest " + reference);
            }
        }
    }

    @Override
    public void close() {
        // The HTTP client is shared by the process; nothing of ours to release.
    }

    private void checkContentRange(Response response, Digest digest, long offset) throws RegistryException {
        String range = response.headers().get("Content-Range");
        if (range != null && !range.trim().startsWith("bytes " + offset + "-")) {
            throw new RegistryException("registry " + client.registry + " answered range " + offset
                    + "- of blob " + digest + " with Content-Range '" + range + "'", 206, null, false, null);
        }
    }

    private NotFoundException imageNotFound(String reference) {
        return new NotFoundException("image " + describe() + separator(reference) + reference
                + " not found: check the name and tag (`strata inspect`)");
    }

    private NotFoundException blobNotFound(Digest digest) {
        return new NotFoundException("blob " + digest + " not found in " + describe()
                + " (the image refers to a blob the registry does not hold: re-push the image)");
    }

    private static String separator(String reference) {
        return reference.contains(":") ? "@" : ":";
    }
}
