package io.strata.fs.build;

import io.strata.cache.FileStore;
import io.strata.fetcher.commit.ImageDraft;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.LayerWriter;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fs.posix.Trees;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer cache of {@code strata build}, in the cache directory:
 * <pre>
 * build-layout/   an OCI image layout (no tags) holding every image state a build step produced: its new layer,
 *                 config and manifest. The base image's layers are never copied here.
 * build-steps/KEY the manifest digest of the state a step produced; KEY = sha256 of the parent state's manifest
 *                 digest, the step's text and what else the step depends on (for COPY, the digest of the files it
 *                 copies with their metadata; the layer format)
 * build-tmp/      a RUN's mount point and upper directory while it runs (run-PID-*)
 * </pre>
 * Why a layout here rather than pushing each state to the target: a state must be mountable by the next RUN
 * without a registry round trip, the cache needs the layers locally anyway, and the target (possibly a shared
 * registry) then receives only the final image. Files appear atomically (temp file + rename), so concurrent builds
 * and killed builds leave at most a stray temp file; {@link #clear} empties it ({@code strata cache clear}).
 */
final class BuildCache {

    static final String STEPS = "build-steps";
    static final String LAYOUT = "build-layout";
    static final String TMP = "build-tmp";
    private static final Logger LOG = LoggerFactory.getLogger(BuildCache.class);
    private static final Pattern RUN_DIR = Pattern.compile("run-(\\d+)-.*");
    /** Bumped when the meaning of a key's inputs changes, so that old entries are no longer found. */
    private static final String KEY_VERSION = "strata-build/1";

    private final FileStore store;
    private final Path layoutDir;
    private final BlobSource layout;

    BuildCache(FileStore store) throws IOException {
        this.store = store;
        this.layoutDir = store.root().resolve(LAYOUT);
        this.layout = BlobSources.open(new ImageRef(null, null, layoutDir, null, null), SourceOptions.defaults());
    }

    /** The layout as a blob source (and sink). */
    BlobSource layout() {
        return layout;
    }

    FileStore store() {
        return store;
    }

    /** How states are named: the layout, pinned to the manifest. */
    ImageRef ref(Digest manifest) {
        return new ImageRef(null, null, layoutDir, null, manifest);
    }

    /** The key of a step on {@code parent}: hex sha256 of the version, parent, text and extra inputs. */
    static String key(Digest parent, String text, String extra) {
        MessageDigest d = Digest.newSha256();
        for (String part : new String[] {KEY_VERSION, parent.toString(), text, extra}) {
            d.update(part.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * The state a step with {@code key} produced before, if it is still complete here: its manifest and config, and
     * every layer above the base's {@code baseLayers}.
     */
    Optional<ResolvedImage> lookup(String key, int baseLayers, Platform platform) throws IOException {
        Optional<Path> entry = store.find(STEPS, key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Digest manifest;
        ResolvedImage image;
        try {
            manifest = Digest.parse(Files.readString(entry.get(), StandardCharsets.UTF_8).strip());
            image = ImageResolver.resolve(layout, ref(manifest), platform);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("build cache entry {} is unusable ({}); the step runs again", key, e.getMessage());
            return Optional.empty();
        }
        for (Descriptor layer : image.layers().subList(Math.min(baseLayers, image.layers().size()),
                image.layers().size())) {
            if (!((BlobSink) layout).hasBlob(layer.digest())) {
                LOG.warn("build cache entry {}: layer {} is missing; the step runs again", key, layer.digest());
                return Optional.empty();
            }
        }
        return Optional.of(image);
    }

    /**
     * Writes {@code entries} as a layer ({@link LayerWriter}: reproducible) and keeps its blob in the layout.
     *
     * @return the layer, or null when there are no entries (the step adds no layer then, as Docker does)
     */
    WrittenLayer writeLayer(List<NewEntry> entries, LayerEncoding encoding) throws IOException {
        if (entries.isEmpty()) {
            return null;
        }
        Path blob = store.newTempFile("build-layer");
        try {
            WrittenLayer layer = LayerWriter.write(entries, encoding, blob, store.tempDir());
            ((BlobSink) layout).pushBlob(layer.digest(), layer.size(), () -> Files.newInputStream(blob));
            return layer;
        } finally {
            Files.deleteIfExists(blob);
        }
    }

    /** Keeps a state (config and manifest; its new layers were put before) and, unless null, records it as {@code key}'s. */
    ResolvedImage save(ImageDraft.Image image, String key) throws IOException {
        BlobSink sink = (BlobSink) layout;
        byte[] config = image.config();
        sink.pushBlob(image.configDescriptor().digest(), config.length, () -> new ByteArrayInputStream(config));
        Digest manifest = image.manifestDigest();
        sink.pushManifest(manifest.toString(), image.manifestMediaType(), image.manifest());
        if (key != null) {
            store.put(STEPS, key, out -> out.write(manifest.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return image.resolved(ref(manifest));
    }

    /** A new directory for one RUN, after removing those that builds killed before left behind. */
    Path newRunDirectory() throws IOException {
        Path tmp = Files.createDirectories(store.root().resolve(TMP));
        removeStale(tmp);
        return Files.createTempDirectory(tmp, "run-" + ProcessHandle.current().pid() + "-");
    }

    private static int removeStale(Path tmp) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp)) {
            for (Path dir : dirs) {
                Matcher m = RUN_DIR.matcher(dir.getFileName().toString());
                boolean alive = m.matches() && ProcessHandle.of(Long.parseLong(m.group(1)))
                        .map(ProcessHandle::isAlive).orElse(false);
                if (m.matches() && !alive && Trees.deleteWithinFilesystem(dir)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Empties the build cache of the cache directory {@code root}: every step record and the layout; the directories
     * of RUNs in progress stay.
     *
     * @return how many step records were removed
     */
    static int clear(Path root) throws IOException {
        FileStore store = new FileStore(root);
        int steps = store.deleteAll(STEPS);
        Trees.deleteWithinFilesystem(root.resolve(LAYOUT));
        Path tmp = root.resolve(TMP);
        if (Files.isDirectory(tmp)) {
            removeStale(tmp);
        }
        return steps;
    }
}
