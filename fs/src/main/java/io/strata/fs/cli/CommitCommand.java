package io.strata.fs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.cache.FileStore;
import io.strata.fetcher.commit.Commit;
import io.strata.fetcher.commit.CommitInfo;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.LayerWriter;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fs.commit.UpperChanges;
import io.strata.fs.commit.UpperDirectory;
import io.strata.fs.mount.MountControl;
import io.strata.fs.mount.MountException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata commit MNT|UPPER TARGET}: the changes of a writable mount (its upper directory) become one new
 * layer on top of the image they were made on, and the new image is pushed to TARGET. The same upper directory
 * gives the same layer digest every time; with {@code SOURCE_DATE_EPOCH} set, the same manifest digest too.
 */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = "Turn a writable mount's changes (or an upper directory) into a new layer on top of its image "
                + "and push the new image to TARGET.")
final class CommitCommand implements Callable<Integer> {

    static final String CREATED_BY = "strata commit";

    @Parameters(index = "0", paramLabel = "MNT|UPPER",
            description = "a writable strata mount point, or an upper directory (upper/ + strata-upper.json)")
    Path source;

    @Parameters(index = "1", paramLabel = "TARGET",
            description = "where to push: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG]")
    String target;

    @Option(names = "--base", paramLabel = "IMAGE",
            description = "The image to put the layer on (default: the one the changes were made on). It must be "
                    + "that same image (same manifest digest), unless the source is --plain.")
    String base;

    @Option(names = "--format", paramLabel = "gzip|estargz", defaultValue = "gzip",
            description = "Layer format: gzip, or estargz (lazily mountable, still a plain gzip tar); "
                    + "default ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "Comment of the layer's history entry.")
    String message;

    @Option(names = "--plain", description = "The source is a plain directory whose content is the layer (deletions "
            + "as OCI .wh. files); requires --base.")
    boolean plain;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Override
    public Integer call() throws Exception {
        LayerEncoding encoding = LayerEncoding.parse(format);
        ImageRef targetRef = ImageRef.parse(target);
        CommitInfo info = new CommitInfo(creationTime(), CREATED_BY, message);
        UpperDirectory upper = locate();
        UpperDirectory.Base recorded = upper.base().orElse(null);
        if (base == null && recorded == null) {
            throw new IllegalArgumentException("--base is required with --plain: a plain directory does not say which"
                    + " image its changes belong on");
        }
        ImageRef baseRef = base != null ? ImageRef.parse(base)
                : ImageRef.parse(recorded.image()).withDigest(recorded.manifestDigest());
        SourceOptions options = sourceFlags.toOptions();
        FileStore store = cacheFlags.open();
        try (BlobSource from = BlobSources.open(baseRef, options);
             BlobSource to = BlobSources.open(targetRef, options)) {
            ResolvedImage image = ImageResolver.resolve(from, baseRef, options.platform());
            if (recorded != null && !image.manifestDigest().equals(recorded.manifestDigest())) {
                throw new IllegalArgumentException("--base " + base + " is " + image.manifestDigest() + ", but the"
                        + " changes in " + upper.dir() + " were made on " + recorded.image() + " ("
                        + recorded.manifestDigest() + "); on another base, deletions and changes could mean something"
                        + " else: omit --base to commit onto the recorded image");
            }
            UpperChanges.Result changes = UpperChanges.scan(upper.changes());
            Path blob = Files.createTempFile(store.tempDir(), "commit-", ".blob");
            try {
                WrittenLayer layer = LayerWriter.write(changes.entries(), encoding, blob, store.tempDir());
                Commit.Result r = Commit.push(image, from, layer, blob, info, to, targetRef);
                System.out.print(report(upper, image, targetRef, changes, layer, r));
            } finally {
                Files.deleteIfExists(blob);
            }
        }
        return 0;
    }

    /**
     * The upper directory behind the argument: the one a live writable mount reports, else the argument itself.
     * A mount is asked first so that a mounted image's own files are never mistaken for an upper directory.
     */
    private UpperDirectory locate() throws IOException {
        Path abs = source.toAbsolutePath().normalize();
        if (plain) {
            return UpperDirectory.plain(abs);
        }
        String status;
        try {
            status = MountControl.status(abs);
        } catch (MountException notMounted) {
            if (!Files.isDirectory(abs.resolve(UpperDirectory.CHANGES))
                    && !Files.exists(abs.resolve(UpperDirectory.METADATA))) {
                throw new IOException(abs + " is neither a writable strata mount nor an upper directory (no "
                        + UpperDirectory.CHANGES + "/, no " + UpperDirectory.METADATA + "): " + notMounted.getMessage()
                        + ". To commit a plain directory as a layer, use --plain with --base.", notMounted);
            }
            return UpperDirectory.open(abs); // says what else is missing or malformed
        }
        String upper = new ObjectMapper().readTree(status).path("upperDirectory").asText("");
        if (upper.isEmpty()) {
            throw new IllegalArgumentException(abs + " is not a writable mount: it has no upper directory to commit"
                    + " (mount the image with strata mount --writable, make the changes there, then commit)");
        }
        return UpperDirectory.open(Path.of(upper));
    }

    /** {@code SOURCE_DATE_EPOCH} (reproducible builds' convention) when set, else now; whole seconds either way. */
    static Instant creationTime() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch == null || epoch.isBlank()) {
            return Instant.ofEpochSecond(Instant.now().getEpochSecond());
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(epoch.strip()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("SOURCE_DATE_EPOCH='" + epoch + "' is not a number of seconds since"
                    + " 1970-01-01 UTC; set it to one (e.g. $(git log -1 --format=%ct)) or unset it");
        }
    }

    private String report(UpperDirectory upper, ResolvedImage image, ImageRef targetRef, UpperChanges.Result changes,
                          WrittenLayer layer, Commit.Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("committed %s onto %s@%s as %s%n", upper.changes(), image.ref().isLayout()
                ? "oci:" + image.ref().layoutPath() : image.ref().registry() + "/" + image.ref().repository(),
                image.manifestDigest(), targetRef));
        out.append(String.format("manifest  %s%n", r.manifestDigest()));
        out.append(String.format("layer     %s %d bytes (%s, %s), diff_id %s%n", r.layer().digest(), r.layer().size(),
                Sizes.human(r.layer().size()), layer.encoding().cliName(), r.diffId()));
        out.append(String.format("entries   %d (%d whiteouts, %d opaque directories)%s%n", layer.entries(),
                changes.whiteouts(), changes.opaqueDirs(), changes.skipped().isEmpty() ? ""
                        : ", skipped " + changes.skipped().size() + " socket(s): "
                        + String.join(", ", changes.skipped())));
        out.append(String.format("base      %d layers: %d copied to the target, %d already there%n",
                image.layers().size(), r.baseBlobsCopied(), r.baseBlobsSkipped()));
        return out.toString();
    }
}
