package io.strata.fs.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.strata.fetcher.image.Digest;
import org.junit.jupiter.api.Test;

/** The pure parts of a build: paths against the working directory, and cache keys. */
class BuilderTest {

    @Test
    void absolute_relativeAndDotted_cleanedAgainstWorkdir() {
        assertEquals("/app/x", Builder.absolute("/app", "x"));
        assertEquals("/x/", Builder.absolute("/app", "../x/"));
        assertEquals("/", Builder.absolute("/app", "../../.."));
        assertEquals("/etc/", Builder.absolute("/app", "/etc//"));
        assertEquals("/app/", Builder.absolute("/app", "./"));
    }

    @Test
    void key_anyInputChanged_otherKey() {
        Digest parent = Digest.sha256(new byte[] {1});
        String key = BuildCache.key(parent, "RUN true", "gzip");
        assertEquals(key, BuildCache.key(parent, "RUN true", "gzip"));
        assertNotEquals(key, BuildCache.key(Digest.sha256(new byte[] {2}), "RUN true", "gzip"));
        assertNotEquals(key, BuildCache.key(parent, "RUN  true", "gzip"));
        assertNotEquals(key, BuildCache.key(parent, "RUN true", "estargz"));
        assertNotEquals(BuildCache.key(parent, "a", "bc"), BuildCache.key(parent, "ab", "c"));
    }
}
