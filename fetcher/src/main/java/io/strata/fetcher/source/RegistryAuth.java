package io.strata.fetcher.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.ManifestParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Answers a registry's 401 challenge (distribution spec "token authentication"): {@code Basic} with the
 * stored credentials, or {@code Bearer} by asking the realm for a token with the service and scope, using
 * the credentials when there are some and anonymously otherwise. Caches one Authorization header per access
 * level (pull, pull+push). Nothing it throws or logs contains a secret.
 */
final class RegistryAuth {
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=(?:\"([^\"]*)\"|([^,\\s]*))");

    private final OkHttpClient http;
    private final String registry;
    private final String repository;
    private final RegistryCredentials.Basic credentials;
    private final Map<Boolean, String> headers = new ConcurrentHashMap<>();

    RegistryAuth(OkHttpClient http, String registry, String repository, RegistryCredentials.Basic credentials) {
        this.http = http;
        this.registry = registry;
        this.repository = repository;
        this.credentials = credentials;
    }

    /** The Authorization header to send for this access level, or null (anonymous so far). */
    String header(boolean push) {
        return headers.get(push);
    }

    /**
     * Obtains a new Authorization header for a 401 carrying {@code challenges}.
     *
     * @return true when a new header is ready and the request is worth repeating
     */
    boolean answer(List<String> challenges, boolean push) throws IOException {
        String bearer = null;
        String basic = null;
        for (String c : challenges) {
            String scheme = c.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
            if (scheme.equals("bearer")) {
                bearer = c;
            } else if (scheme.equals("basic")) {
                basic = c;
            }
        }
        if (bearer != null) {
            String header = "Bearer " + fetchToken(params(bearer), push);
            return !header.equals(headers.put(push, header));
        }
        if (basic != null && credentials != null) {
            return !credentials.header().equals(headers.put(push, credentials.header()));
        }
        return false;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** Whether stored credentials were found, for the message of a refusal. */
    boolean hasCredentials() {
        return credentials != null;
    }

    private String fetchToken(Map<String, String> challenge, boolean push) throws IOException {
        String realm = challenge.get("realm");
        HttpUrl url = realm == null ? null : HttpUrl.parse(realm);
        if (url == null) {
            throw new RegistryException("registry " + registry + " sent a Bearer challenge without a usable realm",
                    401, null, false, null);
        }
        String scope = "repository:" + repository + (push ? ":pull,push" : ":pull");
        HttpUrl.Builder tokenUrl = url.newBuilder().addQueryParameter("scope", scope);
        if (challenge.get("service") != null) {
            tokenUrl.addQueryParameter("service", challenge.get("service"));
        }
        Request.Builder request = new Request.Builder().url(tokenUrl.build()).get();
        if (credentials != null) {
            // Token services often live on another host (that is fine over TLS), but stored credentials never
            // travel in clear text to anything but this machine.
            if (!url.isHttps() && !isLoopback(url.host())) {
                throw new RegistryException("registry " + registry + " asks for the stored credentials to be sent to "
                        + url.scheme() + "://" + url.host() + " without TLS: refused (fix the registry's token realm,"
                        + " or remove its credentials to pull anonymously)", 401, null, false, null);
            }
            request.header("Authorization", credentials.header());
        }
        try (Response response = http.newCall(request.build()).execute()) {
            if (response.code() == 401 || response.code() == 403) {
                throw new RegistryException("the token service of registry " + registry + " refused "
                        + (credentials != null ? "the stored credentials" : "anonymous access") + " for " + scope
                        + " (" + response.code() + "): " + loginHint(), response.code(), "UNAUTHORIZED", false, null);
            }
            if (!response.isSuccessful()) {
                throw new RegistryException("the token service of registry " + registry + " answered "
                        + response.code() + " for " + scope, response.code(), null, response.code() >= 500, null);
            }
            JsonNode body = ManifestParser.json().readTree(response.body().byteStream());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException("the token service of registry " + registry + " answered without a token",
                        response.code(), null, false, null);
            }
            return token;
        }
    }

    String loginHint() {
        return "log in with `docker login " + registry + "` (or `skopeo login`), or point REGISTRY_AUTH_FILE "
                + "(or --auth-file) at a credentials file";
    }

    static Map<String, String> params(String challenge) {
        Map<String, String> out = new HashMap<>();
        String[] parts = challenge.trim().split("\\s+", 2);
        if (parts.length < 2) {
            return out;
        }
        Matcher m = PARAM.matcher(parts[1]);
        while (m.find()) {
            out.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }
}
