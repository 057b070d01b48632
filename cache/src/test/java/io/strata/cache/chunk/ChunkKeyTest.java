package io.strata.cache.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ChunkKeyTest {

    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void ofContent_validDigest_namedByItsHex() {
        ChunkKey k = ChunkKey.ofContent("sha256:" + HEX);

        assertTrue(k.isContentAddressed());
        assertEquals("sha256:" + HEX, k.contentDigest().orElseThrow());
        assertEquals("sha256-" + HEX, k.fileName());
        assertEquals(k, ChunkKey.ofContent("sha256:" + HEX));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256:", "sha256:abc", "sha512:" + HEX, "SHA256:" + HEX,
            "sha256:" + HEX + "0", "sha256:../../etc/passwd", "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"})
    void ofContent_malformed_rejectedWithTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChunkKey.ofContent(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void ofRange_sameRange_equalAndSafeFileName() {
        ChunkKey a = ChunkKey.ofRange("sha256:" + HEX, 10, 20);

        assertFalse(a.isContentAddressed());
        assertEquals(a, ChunkKey.ofRange("sha256:" + HEX, 10, 20));
        assertNotEquals(a, ChunkKey.ofRange("sha256:" + HEX, 10, 21));
        assertNotEquals(a, ChunkKey.ofRange("sha256:" + HEX, 11, 20));
        assertTrue(a.fileName().matches("range-[0-9a-f]{64}"), a.fileName());
        assertEquals("sha256:" + HEX + "[10, +20)", a.toString());
    }

    @Test
    void ofRange_contentAndRangeOfSameHex_notEqual() {
        ChunkKey range = ChunkKey.ofRange("sha256:" + HEX, 0, 1);
        ChunkKey content = ChunkKey.ofContent("sha256:" + range.fileName().substring("range-".length()));
        assertNotEquals(range, content);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256", ":abc", "sha256:a/b", "sha256:a b", "../x:y"})
    void ofRange_malformedLayerDigest_rejected(String digest) {
        assertThrows(IllegalArgumentException.class, () -> ChunkKey.ofRange(digest, 0, 1));
    }

    @Test
    void ofRange_badOffsetOrLength_rejectedNamingTheRange() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChunkKey.ofRange("sha256:" + HEX, -1, 5))
                .getMessage().contains("[-1, +5)"));
        assertThrows(IllegalArgumentException.class, () -> ChunkKey.ofRange("sha256:" + HEX, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ChunkKey.ofRange("sha256:" + HEX, Long.MAX_VALUE, 2));
    }
}
