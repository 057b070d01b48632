package io.strata.fetcher.image;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.InputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:hex} as defined by the OCI image spec (descriptor.md, "Digests").
 * Validated at construction: the only way a digest travels past a parser.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        switch (algorithm) {
            case "sha256" -> require(SHA256_HEX, hex, algorithm);
            case "sha512" -> require(SHA512_HEX, hex, algorithm);
            default -> throw new IllegalArgumentException(
                    "unsupported digest algorithm '" + algorithm + "' (supported: sha256, sha512)");
        }
    }

    private static void require(Pattern pattern, String hex, String algorithm) {
        if (hex == null || !pattern.matcher(hex).matches()) {
            throw new IllegalArgumentException("malformed " + algorithm + " digest hex '" + hex + "'");
        }
    }

    /** Parses {@code sha256:0123...}; throws {@link IllegalArgumentException} naming the bad text. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing digest");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("malformed digest '" + text + "' (expected algorithm:hex)");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 digest of {@code bytes}. */
    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /** The sha256 digest of everything {@code in} yields (the stream is read to its end, not closed). */
    public static Digest sha256(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return new Digest("sha256", HexFormat.of().formatHex(md.digest()));
    }

    /** A fresh hasher of this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code md} (of this digest's algorithm) has hashed exactly the expected content. */
    public boolean matches(byte[] computed) {
        return HexFormat.of().formatHex(computed).equals(hex);
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sha256-<hex>}: the OCI 1.1 referrers tag-schema form, also safe as a file name. */
    public String toTagSafe() {
        return algorithm + "-" + hex;
    }

    /** A short form for humans: {@code sha256:0123456789ab}. */
    public String shortForm() {
        return algorithm + ":" + hex.substring(0, 12);
    }

    /** {@code algorithm:hex}; also the JSON form (a digest is a string in every OCI document). */
    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
