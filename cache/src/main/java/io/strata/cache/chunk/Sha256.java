package io.strata.cache.chunk;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; the cache's own so that module {@code cache} depends on no other Strata module. */
final class Sha256 {

    static final int LENGTH = 32;

    private Sha256() {
    }

    static byte[] digest(byte[] data, int offset, int length) {
        MessageDigest md = newHasher();
        md.update(data, offset, length);
        return md.digest();
    }

    static String hex(byte[] data) {
        return HexFormat.of().formatHex(digest(data, 0, data.length));
    }

    static MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE platform must provide", e);
        }
    }
}
