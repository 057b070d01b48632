package io.strata.fetcher.source;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageConfig;
import io.strata.fetcher.image.ImageIndex;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.InvalidManifestException;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.Platform;
import io.strata.fetcher.image.ResolvedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Resolves a reference to one checked image: the manifest (chosen by platform from an index), its
 * verified config, and layers Strata can read. Costs two or three small requests.
 */
public final class ImageResolver {
    /** Configs are small JSON; refuse to buffer something that is not. */
    private static final long MAX_CONFIG = 32L << 20;
    private static final String SUPPORTED_LAYERS = String.join(", ", MediaTypes.OCI_LAYER_TAR,
            MediaTypes.OCI_LAYER_GZIP, MediaTypes.OCI_LAYER_ZSTD, MediaTypes.DOCKER_LAYER_GZIP);

    private ImageResolver() {
    }

    /**
     * @param platform the platform to pick from an image index (ignored for a single-platform manifest)
     * @throws NotFoundException       when the image does not exist
     * @throws InvalidManifestException when it cannot be used, saying why and what to do
     */
    public static ResolvedImage resolve(BlobSource source, ImageRef ref, Platform platform) throws IOException {
        FetchedManifest fetched = source.manifest(ref.reference());
        Digest indexDigest = null;
        if (MediaTypes.isIndex(fetched.mediaType())) {
            indexDigest = fetched.digest();
            Descriptor chosen = selectPlatform(ManifestParser.index(ref.toString(), fetched.body()), ref, platform);
            fetched = source.manifest(chosen.digest().toString());
            if (!MediaTypes.isManifest(fetched.mediaType())) {
                throw new InvalidManifestException("the " + platform + " entry of " + ref + " is a "
                        + fetched.mediaType() + ", not an image manifest (nested indexes are not supported)");
            }
        }
        String what = ref + "@" + fetched.digest();
        Manifest manifest = ManifestParser.manifest(what, fetched.body());
        byte[] configBytes = readConfig(source, manifest.config(), what);
        ImageConfig config = ManifestParser.config("config " + manifest.config().digest() + " of " + what, configBytes);
        checkLayers(manifest, config, what);
        return new ResolvedImage(ref, indexDigest, fetched.digest(), fetched.mediaType(), fetched.body(), manifest,
                configBytes, config, manifest.layers(), config.diffIds());
    }

    /** The first entry of {@code index} for {@code wanted}; the error lists what the index offers. */
    static Descriptor selectPlatform(ImageIndex index, ImageRef ref, Platform wanted) throws InvalidManifestException {
        for (Descriptor d : index.manifests()) {
            if (MediaTypes.isManifest(d.mediaType()) && wanted.accepts(d.platform())) {
                return d;
            }
        }
        String available = index.manifests().stream()
                .filter(d -> d.platform() != null && !"unknown".equals(d.platform().os()))
                .map(d -> d.platform().toString()).distinct().collect(Collectors.joining(", "));
        throw new InvalidManifestException("image " + ref + " has no manifest for platform " + wanted
                + " (available: " + (available.isEmpty() ? "none" : available)
                + "); choose one with --platform OS/ARCH[/VARIANT]");
    }

    private static byte[] readConfig(BlobSource source, Descriptor config, String what) throws IOException {
        if (config.size() > MAX_CONFIG) {
            throw new InvalidManifestException("config of " + what + " claims " + config.size()
                    + " bytes, more than an image config can reasonably be (" + (MAX_CONFIG >> 20) + " MiB)");
        }
        try (InputStream in = source.openBlob(config.digest(), config.size())) {
            byte[] bytes = in.readNBytes((int) config.size());
            // Reach EOF so the stream verifies size and digest.
            if (in.read() >= 0) {
                throw new InvalidManifestException("config " + config.digest() + " of " + what
                        + " is longer than its descriptor's " + config.size() + " bytes");
            }
            return bytes;
        }
    }

    private static void checkLayers(Manifest manifest, ImageConfig config, String what) throws InvalidManifestException {
        List<String> unreadable = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor layer = manifest.layers().get(i);
            if (MediaTypes.layerCompression(layer.mediaType()) == null) {
                unreadable.add("layer " + i + " " + layer.digest().shortForm() + " has media type " + layer.mediaType());
            }
        }
        if (!unreadable.isEmpty()) {
            throw new InvalidManifestException("image " + what + " has layers Strata cannot read: "
                    + String.join("; ", unreadable) + " (supported: " + SUPPORTED_LAYERS + ", and their "
                    + "non-distributable variants)");
        }
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new InvalidManifestException("image " + what + " has " + manifest.layers().size()
                    + " layers but its config lists " + config.diffIds().size()
                    + " diff_ids: the image is inconsistent; rebuild or re-push it");
        }
    }
}
