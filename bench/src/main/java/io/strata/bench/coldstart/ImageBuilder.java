package io.strata.bench.coldstart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the built-in images' OCI layouts once and keeps them in a cache directory ({@code /var/cache/strata-bench}
 * by default): {@code <cache>/<name>} with a {@code .recipe} file holding the SHA-256 of the scripts that made it, so
 * a later run reuses the layout unless its recipe changed. A layout is built under {@code <name>.part} and renamed
 * when complete: an interrupted build is never reused.
 */
final class ImageBuilder {

    private static final String RESOURCES = "/io/strata/bench/coldstart/images/";
    private static final String MARKER = ".recipe";
    private static final Duration BUILD_TIMEOUT = Duration.ofHours(2);

    private final Path cacheRoot;
    private final Proc proc;
    private final Path scratch;

    ImageBuilder(Path cacheRoot, Proc proc, Path scratch) {
        this.cacheRoot = cacheRoot;
        this.proc = proc;
        this.scratch = scratch;
    }

    /** The layout of {@code recipe}'s image, built now if it is missing or its recipe changed. */
    Path layout(Recipe recipe, java.io.PrintWriter log) throws IOException {
        List<String> scripts = List.of(Recipe.DEBIAN_LIBRARY, recipe.script());
        Path dir = cacheRoot.resolve(recipe.imageName());
        String hash = hash(scripts);
        Path marker = dir.resolve(MARKER);
        if (Files.isRegularFile(dir.resolve("index.json")) && Files.isRegularFile(marker)
                && Files.readString(marker).strip().equals(hash)) {
            return dir;
        }
        log.println("building image " + recipe.imageName() + " (" + recipe.description() + ") into " + dir
                + "; later runs reuse it");
        log.flush();
        Path scriptDir = Files.createTempDirectory(Files.createDirectories(scratch), "recipes-");
        Path part = cacheRoot.resolve(recipe.imageName() + ".part");
        try {
            for (String s : scripts) {
                try (InputStream in = resource(s)) {
                    Files.copy(in, scriptDir.resolve(s));
                }
            }
            Files.createDirectories(cacheRoot);
            deleteTree(part);
            proc.check(List.of("bash", scriptDir.resolve(recipe.script()).toString(), part.toString()), BUILD_TIMEOUT);
            Files.writeString(part.resolve(MARKER), hash + "\n", StandardCharsets.UTF_8);
            deleteTree(dir);
            Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IOException("building the " + recipe.imageName() + " image failed: " + e.getMessage(), e);
        } finally {
            deleteTree(scriptDir);
            deleteTree(part);
        }
        return dir;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ImageBuilder.class.getResourceAsStream(RESOURCES + name);
        if (in == null) {
            throw new IOException("the image recipe " + name + " is not in the bench jar (" + RESOURCES + name
                    + "); rebuild it with mvn -pl bench package");
        }
        return in;
    }

    private static String hash(List<String> scripts) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String s : scripts) {
                try (InputStream in = resource(s)) {
                    sha.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
