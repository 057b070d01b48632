package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads one blob (distribution-spec "pushing blobs"): {@code POST} opens a session, then either one
 * {@code PUT ?digest=} with the whole content (monolithic) or {@code PATCH}es of one chunk each followed by
 * an empty {@code PUT ?digest=} (chunked, for blobs above the chunk size). The content is streamed and
 * hashed on the way; a content that does not match its digest aborts the upload before it is committed.
 * A failed upload is retried from the start (a new session, the content opened again).
 */
final class BlobUploader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobUploader.class);
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");
    private static final int MAX_ATTEMPTS = 3;

    private final RegistryClient client;
    private final long chunkSize;

    BlobUploader(RegistryClient client, long chunkSize) {
        this.client = client;
        this.chunkSize = chunkSize;
    }

    void upload(Digest digest, long size, BlobSink.ContentOpener content) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = new VerifyingInputStream(content.open(), digest, size,
                    "content of blob " + digest + " pushed to " + client.registry + "/" + client.repository)) {
                HttpUrl session = start(digest);
                if (size > chunkSize) {
                    session = sendChunks(session, digest, size, in);
                    finish(session, digest, RequestBody.create(new byte[0], OCTETS));
                } else {
                    finish(session, digest, new StreamBody(in, size, true));
                }
                return;
            } catch (IOException e) {
                IOException failure = client.networkFailure(e);
                if (attempt >= MAX_ATTEMPTS || !RegistryClient.isRetryable(failure)) {
                    throw failure;
                }
                LOG.debug("upload of {} failed ({}), starting over", digest, failure.getMessage());
                client.sleep(attempt, null);
            }
        }
    }

    private HttpUrl start(Digest digest) throws IOException {
        Request.Builder request = new Request.Builder().url(client.uploadsUrl())
                .post(RequestBody.create(new byte[0], OCTETS));
        try (Response response = client.send(request, true, false)) {
            if (response.code() != 202) {
                throw client.failure(response, "POST upload of blob " + digest);
            }
            return location(response, digest);
        }
    }

    private HttpUrl sendChunks(HttpUrl session, Digest digest, long size, InputStream in) throws IOException {
        for (long sent = 0; sent < size; ) {
            long n = Math.min(chunkSize, size - sent);
            Request.Builder request = new Request.Builder().url(session)
                    .patch(new StreamBody(in, n, sent + n == size))
                    // distribution's chunk header has no "bytes " unit (distribution-spec, "chunked upload").
                    .header("Content-Range", sent + "-" + (sent + n - 1));
            try (Response response = client.send(request, true, false)) {
                if (response.code() != 202) {
                    throw client.failure(response, "PATCH chunk " + sent + "-" + (sent + n - 1) + " of blob " + digest);
                }
                session = location(response, digest);
            }
            sent += n;
        }
        return session;
    }

    private void finish(HttpUrl session, Digest digest, RequestBody body) throws IOException {
        HttpUrl url = session.newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response response = client.send(new Request.Builder().url(url).put(body), true, false)) {
            if (response.code() != 201) {
                throw client.failure(response, "PUT blob " + digest);
            }
        }
    }

    private HttpUrl location(Response response, Digest digest) throws RegistryException {
        String location = response.headers().get("Location");
        HttpUrl url = location == null ? null : response.request().url().resolve(location);
        if (url == null) {
            throw new RegistryException("registry " + client.registry + " opened an upload of blob " + digest
                    + " without a usable Location header", response.code(), null, false, null);
        }
        return url;
    }

    /**
     * Streams exactly {@code length} bytes of a shared input; one-shot, since the input cannot rewind. With
     * {@code atEnd}, reads once more so the verifying stream checks the digest before the body completes.
     */
    private static final class StreamBody extends RequestBody {
        private final InputStream in;
        private final long length;
        private final boolean atEnd;

        StreamBody(InputStream in, long length, boolean atEnd) {
            this.in = in;
            this.length = length;
            this.atEnd = atEnd;
        }

        @Override
        public MediaType contentType() {
            return OCTETS;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] buf = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("blob content ended " + left + " bytes early");
                }
                sink.write(buf, 0, n);
                left -= n;
            }
            if (atEnd && in.read() >= 0) {
                throw new IOException("blob content is longer than its size " + length);
            }
        }
    }
}
