package io.strata.fetcher.layer.tar;

import io.strata.fetcher.layer.CorruptLayerException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How tar names become {@link io.strata.fetcher.layer.Entry#path()}s, and how raw name bytes become text.
 *
 * <p>Normalization: leading {@code /} and {@code ./} are dropped, {@code //} collapses, {@code .} components
 * vanish, a trailing {@code /} is dropped; the layer root ({@code ./}, {@code /}, {@code .}) becomes {@code ""}.
 * A {@code ..} component or a NUL byte is rejected, never "fixed": such a path is either hostile or the
 * archive is broken, and silently rewriting it could make two different entries collide.
 */
public final class TarPaths {

    private TarPaths() {
    }

    /**
     * The normalized form of {@code raw}.
     *
     * @param layer for the message
     * @throws CorruptLayerException when the path holds NUL or a {@code ..} component
     */
    public static String normalize(String raw, String layer) throws CorruptLayerException {
        if (raw.indexOf('\0') >= 0) {
            throw new CorruptLayerException(layer, raw, "the path contains a NUL byte");
        }
        StringBuilder out = new StringBuilder(raw.length());
        int start = 0;
        while (start <= raw.length()) {
            int slash = raw.indexOf('/', start);
            int end = slash < 0 ? raw.length() : slash;
            String part = raw.substring(start, end);
            if (part.equals("..")) {
                throw new CorruptLayerException(layer, raw,
                        "the path has a '..' component, which would escape the layer root");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                if (out.length() > 0) {
                    out.append('/');
                }
                out.append(part);
            }
            start = end + 1;
        }
        return out.toString();
    }

    /**
     * Text of a NUL-terminated header field or of PAX/GNU name bytes. Tar names are raw bytes; nearly every
     * layer uses UTF-8, which is decoded strictly. Bytes that are not valid UTF-8 are decoded as ISO-8859-1
     * instead of replacement characters, so that two distinct byte names never collapse into one path.
     */
    static String decode(byte[] bytes, int off, int maxLen) {
        int len = 0;
        while (len < maxLen && bytes[off + len] != 0) {
            len++;
        }
        return decodeExactly(bytes, off, len);
    }

    /** Like {@link #decode} but NUL bytes are kept (the caller rejects them where they matter). */
    static String decodeExactly(byte[] bytes, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, off, len, StandardCharsets.ISO_8859_1);
        }
    }
}
