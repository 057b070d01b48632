package io.strata.fetcher.image;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A parsed image reference. Two media:
 * <ul>
 *   <li>registry: {@code host[:port]/repo/name[:tag][@sha256:...]} (Docker's rules: the first component is a
 *       registry only if it has a dot, a colon or is {@code localhost}; otherwise {@code docker.io});</li>
 *   <li>OCI image layout directory: {@code oci:PATH[:TAG]} (tag defaults to {@code latest}).</li>
 * </ul>
 * Exactly one of {@code registry} and {@code layoutPath} is set.
 */
public record ImageRef(String registry, String repository, Path layoutPath, String tag, Digest digest) {

    private static final Pattern REPO = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    public static final String DEFAULT_TAG = "latest";

    public ImageRef {
        if ((registry == null) == (layoutPath == null)) {
            throw new IllegalArgumentException("an image reference names either a registry or a layout directory");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("malformed tag '" + tag + "' (letters, digits, '_', '.', '-'; at most 128)");
        }
    }

    /** Parses a reference; the message of the {@link IllegalArgumentException} shows the accepted forms. */
    public static ImageRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        if (text.startsWith("oci:")) {
            return parseLayout(text.substring(4));
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = "docker.io";
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals("docker.io") && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (!REPO.matcher(rest).matches()) {
            throw new IllegalArgumentException("malformed repository '" + rest + "' in image reference '" + text
                    + "' (expected HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG])");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageRef(registry, rest, null, tag, digest);
    }

    private static ImageRef parseLayout(String spec) {
        String path = spec;
        String tag = DEFAULT_TAG;
        int colon = spec.lastIndexOf(':');
        if (colon > spec.lastIndexOf('/')) {
            path = spec.substring(0, colon);
            tag = spec.substring(colon + 1);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("oci: reference without a directory (expected oci:PATH[:TAG])");
        }
        return new ImageRef(null, null, Path.of(path), tag, null);
    }

    public boolean isLayout() {
        return layoutPath != null;
    }

    /** What to ask the source for: the digest when pinned, else the tag. */
    public String reference() {
        return digest != null ? digest.toString() : tag;
    }

    /** The same image pinned to {@code d}. */
    public ImageRef withDigest(Digest d) {
        return new ImageRef(registry, repository, layoutPath, tag, d);
    }

    /** The same repository at another tag (used for OCI 1.1 tag-schema referrers). */
    public ImageRef withTag(String t) {
        return new ImageRef(registry, repository, layoutPath, t, null);
    }

    @Override
    public String toString() {
        String base = isLayout() ? "oci:" + layoutPath : registry + "/" + repository;
        return base + (tag != null ? ":" + tag : "") + (digest != null && !isLayout() ? "@" + digest : "");
    }
}
