package io.strata.fetcher.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ManifestParser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the requests of one repository: picks the scheme, answers auth challenges, retries what is safe to
 * retry, and turns failures into exceptions that say what to do. Endpoint logic lives in the callers.
 */
final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    /** One client for the process: every registry source shares its connection pool and threads. */
    private static final OkHttpClient SHARED = new OkHttpClient.Builder().build();
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final int MAX_ATTEMPTS = 4;
    private static final int MAX_ERROR_BODY = 64 * 1024;

    final String registry;
    final String repository;
    private final HttpUrl base;
    private final OkHttpClient http;
    private final RegistryAuth auth;
    private final boolean loopback;
    private final Duration baseDelay;

    RegistryClient(String registry, String repository, SourceOptions options, Duration baseDelay) throws IOException {
        this.registry = registry;
        this.repository = repository;
        this.baseDelay = baseDelay;
        this.loopback = isLoopback(registry);
        boolean plain = loopback || options.insecureRegistries().contains(registry.toLowerCase(Locale.ROOT));
        // Docker Hub's API is not served at the name users type.
        String apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        this.base = HttpUrl.get((plain ? "http://" : "https://") + apiHost + "/");
        this.http = SHARED.newBuilder()
                .connectTimeout(options.connectTimeout())
                .readTimeout(options.readTimeout())
                .writeTimeout(options.readTimeout())
                .build();
        Path authFile = RegistryCredentials.authFile(options.authFile());
        this.auth = new RegistryAuth(http, registry, repository, RegistryCredentials.lookup(registry, authFile));
    }

    /** {@code /v2/<repository>/<kind>/<ref>}. */
    HttpUrl url(String kind, String ref) {
        return base.newBuilder().addPathSegment("v2").addPathSegments(repository)
                .addPathSegments(kind).addPathSegment(ref).build();
    }

    /** {@code /v2/<repository>/blobs/uploads/}. */
    HttpUrl uploadsUrl() {
        return base.newBuilder().addPathSegment("v2").addPathSegments(repository)
                .addPathSegments("blobs/uploads/").build();
    }

    /**
     * Sends a request and returns the final response, whatever its status except 401 (answered by
     * authenticating once). With {@code idempotent}, dropped connections, 5xx and 429 are retried with
     * exponential backoff; the response that is returned may still be a 5xx when attempts run out.
     *
     * @param push whether the request needs push access (selects the token scope)
     */
    Response send(Request.Builder request, boolean push, boolean idempotent) throws IOException {
        boolean answered = false;
        for (int attempt = 1; ; attempt++) {
            String header = auth.header(push);
            if (header != null) {
                request.header("Authorization", header);
            }
            Request built = request.build();
            Response response;
            try {
                response = http.newCall(built).execute();
            } catch (IOException e) {
                if (idempotent && attempt < MAX_ATTEMPTS && isRetryable(e)) {
                    LOG.debug("{} {} failed ({}), retrying", built.method(), built.url().encodedPath(), e.toString());
                    sleep(attempt, null);
                    continue;
                }
                throw networkFailure(e);
            }
            int code = response.code();
            if (code == 401) {
                var challenges = response.headers("WWW-Authenticate");
                response.close();
                if (!answered && auth.answer(challenges, push)) {
                    answered = true;
                    attempt--;
                    continue;
                }
                throw new RegistryException("registry " + registry + " refused " + (push ? "push" : "pull")
                        + " access to " + repository + " (401"
                        + (auth.hasCredentials() ? ", with the stored credentials" : ", anonymously") + "): "
                        + auth.loginHint(), 401, "UNAUTHORIZED", false, null);
            }
            if (idempotent && attempt < MAX_ATTEMPTS && (code >= 500 || code == 429)) {
                String retryAfter = response.headers().get("Retry-After");
                response.close();
                LOG.debug("{} {} answered {}, retrying", built.method(), built.url().encodedPath(), code);
                sleep(attempt, retryAfter);
                continue;
            }
            return response;
        }
    }

    /**
     * The exception for an unexpected response (closes it): the status, the registry's error code and message
     * from its JSON error body, and the request in question.
     */
    RegistryException failure(Response response, String what) {
        int code = response.code();
        String errorCode = null;
        String detail = "";
        try (response) {
            byte[] body = response.body().byteStream().readNBytes(MAX_ERROR_BODY);
            JsonNode first = ManifestParser.json().readTree(body).path("errors").path(0);
            errorCode = first.path("code").asText(null);
            detail = first.path("message").asText("");
        } catch (IOException | RuntimeException e) {
            // Not a distribution error body (a proxy's HTML page, say): the status alone must do.
        }
        String hint = code == 403 ? ": " + auth.loginHint() : "";
        return new RegistryException("registry " + registry + " answered " + code
                + (errorCode != null ? " " + errorCode : "") + (detail.isEmpty() ? "" : " (" + detail + ")")
                + " to " + what + hint, code, errorCode, code >= 500 || code == 429, null);
    }

    /** A transport failure, explained: unreachable host, TLS trouble, or a dropped connection. */
    IOException networkFailure(IOException e) {
        if (e instanceof RegistryException || e instanceof DigestMismatchException || e instanceof NotFoundException) {
            return e;
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return new RegistryException("registry " + registry + " unreachable: " + e.getMessage()
                    + ": is it running? (for a local registry use 127.0.0.1:PORT)", 0, null, false, e);
        }
        if (e instanceof SSLException && !loopback) {
            return new RegistryException("TLS connection to registry " + registry + " failed: " + e.getMessage()
                    + "; if it serves plain HTTP, pass --insecure-registry " + registry, 0, null, false, e);
        }
        return new RegistryException("connection to registry " + registry + " failed: " + e, 0, null,
                isRetryable(e), e);
    }

    static boolean isRetryable(IOException e) {
        if (e instanceof RegistryException r) {
            return r.isRetryable();
        }
        return !(e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException || e instanceof SSLException
                || e instanceof DigestMismatchException || e instanceof NotFoundException
                || e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException));
    }

    /** Backoff: base, 2×base, 4×base...; a 429's Retry-After (seconds) wins, up to 10 s. */
    void sleep(int attempt, String retryAfter) throws InterruptedIOException {
        long millis = baseDelay.toMillis() << (attempt - 1);
        if (retryAfter != null) {
            try {
                millis = Math.min(TimeUnit.SECONDS.toMillis(Long.parseLong(retryAfter.trim())), 10_000);
            } catch (NumberFormatException ignored) {
                // An HTTP date: keep the exponential delay.
            }
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry a request to " + registry);
        }
    }

    /** 127.0.0.0/8, ::1 and localhost, with or without a port: plain HTTP is fine there. */
    static boolean isLoopback(String hostPort) {
        String host = hostPort.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            host = host.substring(1, Math.max(1, host.indexOf(']')));
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return host.equals("localhost") || host.equals("::1") || LOOPBACK_V4.matcher(host).matches();
    }
}
