package io.strata.fs.commit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The upper directory of a writable mount, as {@code strata commit} reads it:
 * <pre>
 * DIR/upper/              the changed files at their paths (real mode, owner, mtime, xattrs); deletions as OCI
 *                         whiteouts (empty files .wh.NAME, .wh..wh..opq)
 * DIR/work/               the mount's temp files (ignored)
 * DIR/strata-upper.json   {"version":1, "image":"REF", "manifestDigest":"sha256:..."}: the image below
 * </pre>
 * Or, with {@link #plain}, any directory that is itself the changes, with no recorded image.
 */
public final class UpperDirectory {

    /** Where the changes are, inside an upper directory. */
    public static final String CHANGES = "upper";
    /** The file naming the image the changes were made on. */
    public static final String METADATA = "strata-upper.json";
    private static final int VERSION = 1;

    /**
     * The image the changes were made on.
     *
     * @param image          the reference the mount was made from, as recorded
     * @param manifestDigest the digest of the (platform) manifest that was mounted
     */
    public record Base(String image, Digest manifestDigest) {
    }

    private final Path dir;
    private final Path changes;
    private final Base base;

    private UpperDirectory(Path dir, Path changes, Base base) {
        this.dir = dir;
        this.changes = changes;
        this.base = base;
    }

    /**
     * Opens the upper directory {@code dir}, checking that it has {@code upper/} and a readable
     * {@code strata-upper.json}.
     *
     * @throws IOException naming what is missing or malformed and what to do
     */
    public static UpperDirectory open(Path dir) throws IOException {
        requireDirectory(dir);
        Path changes = dir.resolve(CHANGES);
        Path metadata = dir.resolve(METADATA);
        if (!Files.isDirectory(changes, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(metadata)) {
            throw new IOException(dir + " is not an upper directory: it lacks " + (Files.isDirectory(changes,
                    LinkOption.NOFOLLOW_LINKS) ? METADATA : CHANGES + "/") + " (the upper directory of a writable "
                    + "mount has " + CHANGES + "/ and " + METADATA + "; to commit a plain directory as a layer, use "
                    + "--plain with --base)");
        }
        return new UpperDirectory(dir, changes, readMetadata(metadata));
    }

    /** A plain directory whose content is the changes (OCI whiteouts as {@code .wh.} files); no recorded image. */
    public static UpperDirectory plain(Path dir) throws IOException {
        requireDirectory(dir);
        return new UpperDirectory(dir, dir, null);
    }

    /** The directory given. */
    public Path dir() {
        return dir;
    }

    /** The directory whose content becomes the layer. */
    public Path changes() {
        return changes;
    }

    /** The image the changes were made on; empty for a plain directory. */
    public Optional<Base> base() {
        return Optional.ofNullable(base);
    }

    private static void requireDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
    }

    private static Base readMetadata(Path file) throws IOException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IOException(file + " is not a JSON object");
        }
        int version = json.path("version").asInt(-1);
        if (version != VERSION) {
            throw new IOException(file + " has version " + json.path("version") + "; this strata reads version "
                    + VERSION + " (a newer strata wrote it: commit with that one)");
        }
        String image = json.path("image").asText("");
        String digest = json.path("manifestDigest").asText("");
        if (image.isEmpty() || digest.isEmpty()) {
            throw new IOException(file + " lacks \"" + (image.isEmpty() ? "image" : "manifestDigest")
                    + "\": it cannot say which image the changes were made on");
        }
        try {
            return new Base(image, Digest.parse(digest));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
