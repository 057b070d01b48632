package io.strata.fetcher.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.image.ManifestParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Looks up a registry's username and password in a Docker-style credentials file ({@code auths} of
 * {@code ~/.docker/config.json} or containers' {@code auth.json}). Messages name the file, never its content.
 */
final class RegistryCredentials {

    /** A username and password; {@link #toString()} never shows the password. */
    record Basic(String username, String password) {
        String header() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[" + username + ", ****]";
        }
    }

    private RegistryCredentials() {
    }

    /** The file to read: {@code explicit}, else {@code $REGISTRY_AUTH_FILE}, else {@code ~/.docker/config.json}. */
    static Path authFile(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv("REGISTRY_AUTH_FILE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** The credentials for {@code registry} ({@code host[:port]}), or null when the file has none for it. */
    static Basic lookup(String registry, Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        JsonNode auths;
        try {
            auths = ManifestParser.json().readTree(file.toFile()).path("auths");
        } catch (IOException e) {
            // Jackson's message may quote the file's content (a token): keep only where it failed.
            throw new IOException("credentials file " + file + " is not valid JSON; fix or remove it", null);
        }
        String wanted = normalize(registry);
        for (Map.Entry<String, JsonNode> entry : auths.properties()) {
            if (normalize(entry.getKey()).equals(wanted)) {
                return decode(entry.getValue(), registry, file);
            }
        }
        return null;
    }

    private static Basic decode(JsonNode node, String registry, Path file) throws IOException {
        String auth = node.path("auth").asText("");
        if (!auth.isEmpty()) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IOException("credentials for " + registry + " in " + file + " are not valid base64 ('auth')");
            }
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IOException("credentials for " + registry + " in " + file + " are not 'user:password'");
            }
            return new Basic(pair.substring(0, colon), pair.substring(colon + 1));
        }
        String user = node.path("username").asText("");
        if (!user.isEmpty()) {
            return new Basic(user, node.path("password").asText(""));
        }
        return null;
    }

    /** {@code https://index.docker.io/v1/}, {@code docker.io} and {@code registry-1.docker.io} are one registry. */
    static String normalize(String key) {
        String host = key.trim().toLowerCase(Locale.ROOT);
        if (host.contains("://")) {
            URI uri = URI.create(host);
            host = uri.getRawAuthority() != null ? uri.getRawAuthority() : host;
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> "docker.io";
            default -> host;
        };
    }
}
