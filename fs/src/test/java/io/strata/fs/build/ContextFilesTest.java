package io.strata.fs.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COPY sources in the build context: matching, refusing what leaves the context, and the digest of the cache key. */
class ContextFilesTest {

    @TempDir
    Path tmp;

    private Path context() throws IOException {
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.createDirectories(ctx.resolve("src/b"));
        Files.writeString(ctx.resolve("src/a.txt"), "a");
        Files.writeString(ctx.resolve("src/b.txt"), "b");
        Files.writeString(ctx.resolve("src/b/c.txt"), "c");
        Files.writeString(tmp.resolve("secret"), "outside");
        return ctx;
    }

    private static String error(ContextFiles files, String pattern) {
        return assertThrows(IllegalArgumentException.class, () -> files.resolve(List.of(pattern))).getMessage();
    }

    @Test
    void resolve_globsAndPlainPaths_matchedSortedPerComponent() throws IOException {
        ContextFiles files = new ContextFiles(context());
        assertEquals(List.of("src/a.txt", "src/b.txt"),
                files.resolve(List.of("src/*.txt")).stream().map(ContextFiles.Source::name).toList());
        assertEquals(List.of("src/b/c.txt"),
                files.resolve(List.of("/src/?/c.[t]xt")).stream().map(ContextFiles.Source::name).toList());
        ContextFiles.Source dir = files.resolve(List.of("./src/../src")).get(0);
        assertEquals(List.of("", "a.txt", "b", "b/c.txt", "b.txt"),
                dir.items().stream().map(ContextFiles.Item::relative).toList());
        assertTrue(dir.isDirectory());
    }

    @Test
    void resolve_pathsLeavingTheContext_refused() throws IOException {
        Path ctx = context();
        Files.createSymbolicLink(ctx.resolve("escape"), tmp.resolve("secret"));
        Files.createSymbolicLink(ctx.resolve("up"), tmp);
        ContextFiles files = new ContextFiles(ctx);
        assertTrue(error(files, "../secret").contains("outside the build context"));
        assertTrue(error(files, "src/../../secret").contains("outside the build context"));
        assertTrue(error(files, "escape").contains("outside the build context"));
        assertTrue(error(files, "up/secret").contains("outside the build context"));
        assertTrue(error(files, "up/*").contains("outside the build context"));
        assertTrue(error(files, "nothing*").contains("matches nothing"));
    }

    @Test
    void resolve_symlinkInsideADirectory_keptAsSymlinkEvenIfItLeadsOut() throws IOException {
        Path ctx = context();
        Files.createSymbolicLink(ctx.resolve("src/out"), tmp.resolve("secret"));
        ContextFiles.Item link = new ContextFiles(ctx).resolve(List.of("src")).get(0).items().stream()
                .filter(i -> i.relative().equals("out")).findFirst().orElseThrow();
        assertEquals(tmp.resolve("secret").toString(), link.linkTarget(), "copied as a symlink, not followed");
    }

    @Test
    void digest_contentModeOrName_changeIt() throws IOException {
        Path ctx = context();
        ContextFiles files = new ContextFiles(ctx);
        String before = ContextFiles.digest(files.resolve(List.of("src")));
        assertEquals(before, ContextFiles.digest(files.resolve(List.of("src"))));
        Files.writeString(ctx.resolve("src/b/c.txt"), "C");
        String content = ContextFiles.digest(files.resolve(List.of("src")));
        assertNotEquals(before, content);
        Files.setPosixFilePermissions(ctx.resolve("src/a.txt"), PosixFilePermissions.fromString("rwx------"));
        String mode = ContextFiles.digest(files.resolve(List.of("src")));
        assertNotEquals(content, mode);
        assertNotEquals(ContextFiles.digest(files.resolve(List.of("src/a.txt"))),
                ContextFiles.digest(files.resolve(List.of("src/b.txt"))));
    }

    @Test
    void resolve_fifo_refusedNamingIt() throws Exception {
        Path ctx = context();
        new ProcessBuilder("mkfifo", ctx.resolve("src/pipe").toString()).start().waitFor();
        assertTrue(error(new ContextFiles(ctx), "src").contains("src/pipe"));
    }
}
