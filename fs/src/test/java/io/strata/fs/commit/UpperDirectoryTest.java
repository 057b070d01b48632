package io.strata.fs.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UpperDirectory}: the recorded base is read; every malformed directory is refused with what to do. */
class UpperDirectoryTest {

    private static final String DIGEST = Digest.sha256(new byte[0]).toString();

    @TempDir
    Path dir;

    @Test
    void open_upperWithMetadata_readsRecordedBase() throws Exception {
        Files.createDirectories(dir.resolve("upper"));
        Files.writeString(dir.resolve("strata-upper.json"),
                "{\"version\":1,\"image\":\"127.0.0.1:5000/a/b:v1\",\"manifestDigest\":\"" + DIGEST + "\"}");
        UpperDirectory upper = UpperDirectory.open(dir);
        assertEquals(dir.resolve("upper"), upper.changes());
        assertEquals(new UpperDirectory.Base("127.0.0.1:5000/a/b:v1", Digest.parse(DIGEST)), upper.base().orElseThrow());
    }

    @Test
    void open_plainDirectory_saysToUsePlain() throws Exception {
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(dir));
        assertTrue(e.getMessage().contains("is not an upper directory: it lacks upper/"), e.getMessage());
        assertTrue(e.getMessage().contains("--plain"), e.getMessage());
    }

    @Test
    void open_newerVersion_refused() throws Exception {
        Files.createDirectories(dir.resolve("upper"));
        Files.writeString(dir.resolve("strata-upper.json"), "{\"version\":2,\"image\":\"x\",\"manifestDigest\":\"" + DIGEST + "\"}");
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(dir));
        assertTrue(e.getMessage().contains("has version 2; this strata reads version 1"), e.getMessage());
    }

    @Test
    void open_badDigest_namesTheFile() throws Exception {
        Files.createDirectories(dir.resolve("upper"));
        Files.writeString(dir.resolve("strata-upper.json"), "{\"version\":1,\"image\":\"x\",\"manifestDigest\":\"md5:1\"}");
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("strata-upper.json").toString()), e.getMessage());
    }

    @Test
    void plain_anyDirectory_hasNoBase() throws Exception {
        UpperDirectory upper = UpperDirectory.plain(dir);
        assertEquals(dir, upper.changes());
        assertTrue(upper.base().isEmpty());
    }
}
