package io.strata.fs.writable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upper directory's life on disk: config, lock, work/ cleanup, default place. */
class UpperDirectoryTest {

    static final Digest MANIFEST = Digest.parse("sha256:" + "a".repeat(64));
    static final Digest OTHER = Digest.parse("sha256:" + "b".repeat(64));

    @TempDir
    Path tmp;

    @Test
    void open_newDirectory_writesConfigPrivateDirAndWork() throws IOException {
        Path d = tmp.resolve("c1");
        try (UpperDirectory u = UpperDirectory.open(d, "registry:5000/app:v1", MANIFEST)) {
            assertEquals(d, u.directory());
            assertTrue(Files.isDirectory(d.resolve("work")));
            assertEquals("{\"version\":1,\"image\":\"registry:5000/app:v1\",\"manifestDigest\":\"" + MANIFEST + "\"}",
                    Files.readString(d.resolve("strata-upper.json")));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        }
    }

    @Test
    void open_sameManifestAgain_continuesAndKeepsFirstImageName() throws IOException {
        Path d = tmp.resolve("c1");
        UpperDirectory.open(d, "app:v1", MANIFEST).close();
        try (UpperDirectory u = UpperDirectory.open(d, "app@" + MANIFEST, MANIFEST)) {
            assertEquals("app:v1", u.config().image());
        }
    }

    @Test
    void open_otherManifest_refusedNamingBothDigests() throws IOException {
        Path d = tmp.resolve("c1");
        UpperDirectory.open(d, "app:v1", MANIFEST).close();
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(d, "app:v2", OTHER));
        assertTrue(e.getMessage().contains(MANIFEST.toString()) && e.getMessage().contains(OTHER.toString())
                && e.getMessage().contains("another --upper"), e.getMessage());
    }

    @Test
    void open_whileAnotherMountHoldsIt_refused() throws IOException {
        Path d = tmp.resolve("c1");
        try (UpperDirectory first = UpperDirectory.open(d, "app:v1", MANIFEST)) {
            IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(d, "app:v1", MANIFEST));
            assertTrue(e.getMessage().contains("in use by another strata mount"), e.getMessage());
        }
        UpperDirectory.open(d, "app:v1", MANIFEST).close(); // released with the first
    }

    @Test
    void open_foreignNonEmptyDirectory_refused() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(d.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(d, "app:v1", MANIFEST));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("not a strata upper directory"),
                e.getMessage());
        assertFalse(Files.exists(d.resolve("strata-upper.json")));
    }

    @Test
    void open_badVersion_refused() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("c1"));
        Files.writeString(d.resolve("strata-upper.json"), "{\"version\":2,\"image\":\"x\",\"manifestDigest\":\"" + MANIFEST + "\"}");
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(d, "app:v1", MANIFEST));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void open_leftoversOfKilledMountInWork_removed() throws IOException {
        Path d = tmp.resolve("c1");
        UpperDirectory.open(d, "app:v1", MANIFEST).close();
        Files.writeString(d.resolve("work/copyup-7"), "half a file");
        Files.createDirectories(d.resolve("work/removed-3/sub"));
        try (UpperDirectory u = UpperDirectory.open(d, "app:v1", MANIFEST)) {
            try (var left = Files.list(d.resolve("work"))) {
                assertEquals(0, left.count());
            }
        }
    }

    @Test
    void open_aFile_refused() throws IOException {
        Path f = Files.writeString(tmp.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> UpperDirectory.open(f, "app:v1", MANIFEST));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void defaultFor_perMountpoint_nextToTheCache() {
        Path a = UpperDirectory.defaultFor(Path.of("/var/cache/strata"), Path.of("/mnt/a"));
        assertEquals(Path.of("/var/cache/strata-containers"), a.getParent());
        assertEquals(16, a.getFileName().toString().length());
        assertEquals(a, UpperDirectory.defaultFor(Path.of("/var/cache/strata/"), Path.of("/mnt/./a")));
        assertNotEquals(a, UpperDirectory.defaultFor(Path.of("/var/cache/strata"), Path.of("/mnt/b")));
    }
}
