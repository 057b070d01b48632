package io.strata.fetcher.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageRefTest {
    private static final String HEX = "a".repeat(64);

    @Test
    void parse_bareName_defaultsToDockerHubLibraryLatest() {
        ImageRef ref = ImageRef.parse("debian");
        assertEquals("docker.io", ref.registry());
        assertEquals("library/debian", ref.repository());
        assertEquals("latest", ref.tag());
        assertEquals("latest", ref.reference());
    }

    @Test
    void parse_userRepoWithoutRegistry_staysOnDockerHub() {
        ImageRef ref = ImageRef.parse("someone/tool:1.2");
        assertEquals("docker.io", ref.registry());
        assertEquals("someone/tool", ref.repository());
        assertEquals("1.2", ref.tag());
    }

    @Test
    void parse_hostWithPort_isRegistry() {
        ImageRef ref = ImageRef.parse("127.0.0.1:5000/demo/app:v1");
        assertEquals("127.0.0.1:5000", ref.registry());
        assertEquals("demo/app", ref.repository());
        assertEquals("v1", ref.tag());
    }

    @Test
    void parse_localhostWithoutPort_isRegistry() {
        assertEquals("localhost", ImageRef.parse("localhost/app").registry());
    }

    @Test
    void parse_digestOnly_referencesByDigest() {
        ImageRef ref = ImageRef.parse("quay.io/org/app@sha256:" + HEX);
        assertNull(ref.tag());
        assertEquals("sha256:" + HEX, ref.reference());
    }

    @Test
    void parse_ociLayoutWithTag_setsPathAndTag() {
        ImageRef ref = ImageRef.parse("oci:/tmp/layout:v2");
        assertTrue(ref.isLayout());
        assertEquals(Path.of("/tmp/layout"), ref.layoutPath());
        assertEquals("v2", ref.tag());
    }

    @Test
    void parse_ociLayoutWithoutTag_defaultsToLatest() {
        assertEquals("latest", ImageRef.parse("oci:relative/dir").tag());
    }

    @Test
    void parse_uppercaseRepository_failsNamingForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageRef.parse("Foo/Bar"));
        assertTrue(e.getMessage().contains("oci:PATH"), e.getMessage());
    }
}
