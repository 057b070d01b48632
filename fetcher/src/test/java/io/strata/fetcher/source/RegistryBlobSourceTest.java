package io.strata.fetcher.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.MediaTypes;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against a scripted server: auth flows, retries and odd responses. */
class RegistryBlobSourceTest {
    private static final String SECRET = "s3cret-Pa55";
    private static final byte[] BLOB = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final Digest BLOB_DIGEST = Digest.sha256(BLOB);
    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + BLOB_DIGEST
            + "\",\"size\":20},\"layers\":[]}";

    @TempDir
    Path dir;
    private MockWebServer server;
    private String host;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        host = "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RegistryBlobSource source(boolean withCredentials) throws Exception {
        Path auth = dir.resolve("auth.json");
        String pair = Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes(StandardCharsets.UTF_8));
        Files.writeString(auth, withCredentials ? "{\"auths\":{\"http://" + host + "\":{\"auth\":\"" + pair + "\"}}}" : "{}");
        return new RegistryBlobSource(ImageRef.parse(host + "/demo/app:v1"),
                SourceOptions.defaults().withAuthFile(auth), Duration.ofMillis(1));
    }

    private static MockResponse manifestResponse() {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", MediaTypes.OCI_MANIFEST)
                .body(MANIFEST).build();
    }

    private RecordedRequest take() throws InterruptedException {
        return server.takeRequest(5, TimeUnit.SECONDS);
    }

    @Test
    void manifest_bearerChallenge_fetchesTokenWithCredentialsAndRetries() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate",
                "Bearer realm=\"http://" + host + "/token\",service=\"reg.test\",scope=\"repository:demo/app:pull\"").build());
        server.enqueue(new MockResponse.Builder().code(200).body("{\"token\":\"tok-1\"}").build());
        server.enqueue(manifestResponse());

        FetchedManifest m = source(true).manifest("v1");

        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        RecordedRequest first = take();
        assertEquals("/v2/demo/app/manifests/v1", first.getUrl().encodedPath());
        assertTrue(first.getHeaders().get("Accept").contains(MediaTypes.OCI_INDEX));
        RecordedRequest token = take();
        assertEquals("/token", token.getUrl().encodedPath());
        assertEquals("repository:demo/app:pull", token.getUrl().queryParameter("scope"));
        assertEquals("reg.test", token.getUrl().queryParameter("service"));
        assertTrue(token.getHeaders().get("Authorization").startsWith("Basic "));
        assertEquals("Bearer tok-1", take().getHeaders().get("Authorization"));
    }

    @Test
    void manifest_bearerAnonymous_tokenRequestHasNoAuthorization() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate",
                "Bearer realm=\"http://" + host + "/token\",service=\"reg.test\"").build());
        server.enqueue(new MockResponse.Builder().code(200).body("{\"access_token\":\"anon\"}").build());
        server.enqueue(manifestResponse());

        source(false).manifest("v1");

        take();
        assertEquals(null, take().getHeaders().get("Authorization"));
        assertEquals("Bearer anon", take().getHeaders().get("Authorization"));
    }

    @Test
    void manifest_basicChallenge_sendsStoredCredentials() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"reg\"").build());
        server.enqueue(manifestResponse());

        source(true).manifest("v1");

        take();
        String expected = "Basic " + Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, take().getHeaders().get("Authorization"));
    }

    @Test
    void manifest_credentialsRejected_messageSaysLoginAndHidesSecret() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"reg\"").build());
        server.enqueue(new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"reg\"").build());

        RegistryException e = assertThrows(RegistryException.class, () -> source(true).manifest("v1"));

        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("docker login " + host), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(("alice:" + SECRET).getBytes())));
    }

    @Test
    void manifest_404WithManifestUnknown_saysImageNotFound() throws Exception {
        server.enqueue(new MockResponse.Builder().code(404)
                .body("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}").build());

        NotFoundException e = assertThrows(NotFoundException.class, () -> source(false).manifest("nope"));
        assertEquals("image " + host + "/demo/app:nope not found: check the name and tag (`strata inspect`)", e.getMessage());
    }

    @Test
    void manifest_byWrongDigest_throwsMismatch() throws Exception {
        server.enqueue(manifestResponse());
        Digest other = Digest.sha256(new byte[] {1});
        assertThrows(DigestMismatchException.class, () -> source(false).manifest(other.toString()));
    }

    @Test
    void blobSize_500Then200_retriesAndSucceeds() throws Exception {
        server.enqueue(new MockResponse.Builder().code(500).build());
        server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Length", "1234").build());

        assertEquals(1234, source(false).blobSize(BLOB_DIGEST));
        assertEquals(2, server.getRequestCount());
    }

    @Test
    void manifest_always503_failsRetryableWithCode() throws Exception {
        for (int i = 0; i < 4; i++) {
            server.enqueue(new MockResponse.Builder().code(503)
                    .body("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}]}").build());
        }
        RegistryException e = assertThrows(RegistryException.class, () -> source(false).manifest("v1"));
        assertEquals(503, e.status());
        assertEquals("UNAVAILABLE", e.errorCode());
        assertTrue(e.isRetryable());
        assertEquals(4, server.getRequestCount());
    }

    @Test
    void readRange_206_returnsBytesAndSendsRange() throws Exception {
        server.enqueue(new MockResponse.Builder().code(206).setHeader("Content-Range", "bytes 5-9/20")
                .body(new Buffer().write(BLOB, 5, 5)).build());

        AtomicLong bytes = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        TransferCounter counter = new TransferCounter() {
            @Override
            public void request() {
                requests.incrementAndGet();
            }

            @Override
            public void add(long n) {
                bytes.addAndGet(n);
            }
        };
        assertArrayEquals("56789".getBytes(), source(false).readRange(BLOB_DIGEST, 5, 5, counter));
        assertEquals("bytes=5-9", take().getHeaders().get("Range"));
        assertEquals(5, bytes.get());
        assertEquals(1, requests.get());
    }

    @Test
    void readRange_200IgnoringRange_skipsToOffset() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(BLOB)).build());
        assertArrayEquals("abcd".getBytes(), source(false).readRange(BLOB_DIGEST, 10, 4));
    }

    @Test
    void readRange_416_returnsEmptyWithoutReadingBody() throws Exception {
        server.enqueue(new MockResponse.Builder().code(416).setHeader("Content-Range", "bytes */20").build());
        assertEquals(0, source(false).readRange(BLOB_DIGEST, 20, 10).length);
    }

    @Test
    void openBlob_wholeBody_verifies() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(BLOB)).build());
        try (InputStream in = source(false).openBlob(BLOB_DIGEST, BLOB.length)) {
            assertArrayEquals(BLOB, in.readAllBytes());
        }
    }

    @Test
    void openBlob_truncatedBody_throwsMismatchNamingBlob() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(BLOB, 0, 12)).build());
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> {
            try (InputStream in = source(false).openBlob(BLOB_DIGEST, BLOB.length)) {
                in.readAllBytes();
            }
        });
        assertTrue(e.getMessage().contains(BLOB_DIGEST.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("demo/app"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void openBlob_wrongContent_throwsMismatch() throws Exception {
        byte[] wrong = BLOB.clone();
        wrong[3] ^= 1;
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(wrong)).build());
        DigestMismatchException e = assertThrows(DigestMismatchException.class, () -> {
            try (InputStream in = source(false).openBlob(BLOB_DIGEST, -1)) {
                in.readAllBytes();
            }
        });
        assertEquals(BLOB_DIGEST, e.expected());
    }

    @Test
    void openBlob_404_saysBlobNotFound() throws Exception {
        server.enqueue(new MockResponse.Builder().code(404)
                .body("{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}").build());
        NotFoundException e = assertThrows(NotFoundException.class, () -> source(false).openBlob(BLOB_DIGEST, -1));
        assertTrue(e.getMessage().contains("blob " + BLOB_DIGEST + " not found in " + host + "/demo/app"), e.getMessage());
    }

    @Test
    void manifest_403Denied_reportsCodeAndHint() throws Exception {
        server.enqueue(new MockResponse.Builder().code(403)
                .body("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}").build());
        RegistryException e = assertThrows(RegistryException.class, () -> source(false).manifest("v1"));
        assertEquals("DENIED", e.errorCode());
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains("requested access to the resource is denied"), e.getMessage());
    }

    @Test
    void manifest_nothingListening_saysUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        RegistryBlobSource source = new RegistryBlobSource(ImageRef.parse("127.0.0.1:" + port + "/x/y"),
                SourceOptions.defaults().withAuthFile(dir.resolve("none.json")), Duration.ofMillis(1));
        RegistryException e = assertThrows(RegistryException.class, () -> source.manifest("latest"));
        assertTrue(e.getMessage().startsWith("registry 127.0.0.1:" + port + " unreachable"), e.getMessage());
        assertTrue(e.getMessage().contains("is it running?"), e.getMessage());
    }

    @Test
    void isLoopback_variousHosts_onlyLoopbackIsPlain() {
        assertTrue(RegistryClient.isLoopback("127.0.0.1:5000"));
        assertTrue(RegistryClient.isLoopback("127.3.4.5"));
        assertTrue(RegistryClient.isLoopback("localhost:5000"));
        assertTrue(RegistryClient.isLoopback("[::1]:5000"));
        assertFalse(RegistryClient.isLoopback("128.0.0.1:5000"));
        assertFalse(RegistryClient.isLoopback("registry.example.com"));
        assertFalse(RegistryClient.isLoopback("127.0.0.1.evil.example"));
    }

    @Test
    void credentialsNormalize_dockerHubAliases_areOneRegistry() {
        assertEquals("docker.io", RegistryCredentials.normalize("https://index.docker.io/v1/"));
        assertEquals("docker.io", RegistryCredentials.normalize("registry-1.docker.io"));
        assertEquals("127.0.0.1:5000", RegistryCredentials.normalize("http://127.0.0.1:5000"));
    }

    @Test
    void challengeParams_quotedAndBare_parsed() {
        var p = RegistryAuth.params("Bearer realm=\"https://auth.example/token\",service=reg,scope=\"repository:a/b:pull,push\"");
        assertEquals("https://auth.example/token", p.get("realm"));
        assertEquals("reg", p.get("service"));
        assertEquals("repository:a/b:pull,push", p.get("scope"));
    }
}
