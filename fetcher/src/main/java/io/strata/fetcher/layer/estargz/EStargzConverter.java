package io.strata.fetcher.layer.estargz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import com.github.luben.zstd.ZstdInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a whole image to eStargz ({@code strata convert}): every layer is streamed from the source, checked
 * against its diff_id, rewritten by {@link EStargzWriter} and pushed; then a config with the new diff_ids
 * (everything else kept as it was) and an OCI manifest whose layers carry the TOC digest and uncompressed-size
 * annotations are pushed, the manifest under the destination reference. Layers are spooled to {@code workDir}
 * (twice their uncompressed size at most at a time), never held in memory.
 */
public final class EStargzConverter {

    private static final Logger LOG = LoggerFactory.getLogger(EStargzConverter.class);

    /**
     * What a conversion did.
     *
     * @param manifestDigest digest of the pushed manifest
     * @param layers         the converted layers, bottom to top
     */
    public record Result(Digest manifestDigest, List<EStargzWriter.Result> layers) {
        public Result {
            layers = List.copyOf(layers);
        }
    }

    private EStargzConverter() {
    }

    /**
     * Converts {@code image} (resolved from {@code from}) and pushes it to {@code to} under {@code reference}.
     *
     * @param workDir where layers are spooled (the system temp directory is often too small for big images)
     * @throws DigestMismatchException when a source layer does not match its digest or diff_id
     */
    public static Result convert(ResolvedImage image, BlobSource from, BlobSink to, String reference,
                                 EStargzWriter writer, Path workDir) throws IOException {
        List<EStargzWriter.Result> results = new ArrayList<>();
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            Descriptor layer = image.layers().get(i);
            EStargzWriter.Result converted = convertLayer(from, to, layer, image.diffIds().get(i), writer, workDir);
            results.add(converted);
            layers.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, converted.blobDigest(), converted.blobSize(), null,
                    converted.annotations(), null, null));
            LOG.info("layer {} of {} ({}) converted to eStargz {} ({} bytes)", i + 1, image.layers().size(),
                    layer.digest().shortForm(), converted.blobDigest().shortForm(), converted.blobSize());
        }
        byte[] config = newConfig(image, results);
        Digest configDigest = Digest.sha256(config);
        to.pushBlob(configDigest, config.length, () -> new java.io.ByteArrayInputStream(config));
        Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, config.length), layers);
        byte[] body = ManifestParser.toBytes(manifest);
        to.pushManifest(reference, MediaTypes.OCI_MANIFEST, body);
        return new Result(Digest.sha256(body), results);
    }

    private static EStargzWriter.Result convertLayer(BlobSource from, BlobSink to, Descriptor layer, Digest diffId,
                                                     EStargzWriter writer, Path workDir) throws IOException {
        String prefix = "convert-" + layer.digest().hex().substring(0, 12);
        Path tar = Files.createTempFile(workDir, prefix, ".tar");
        Path blob = Files.createTempFile(workDir, prefix, ".tar.gz");
        try {
            spoolUncompressed(from, layer, diffId, tar);
            EStargzWriter.Result result;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 16)) {
                result = writer.write(tar, out);
            }
            Files.delete(tar); // before the push: only one copy of the layer on disk from here on
            to.pushBlob(result.blobDigest(), result.blobSize(), () -> Files.newInputStream(blob));
            return result;
        } finally {
            Files.deleteIfExists(tar);
            Files.deleteIfExists(blob);
        }
    }

    /** The layer's uncompressed tar into {@code tar}, verified against the blob digest and the diff_id. */
    private static void spoolUncompressed(BlobSource from, Descriptor layer, Digest diffId, Path tar)
            throws IOException {
        MessageDigest hasher = diffId.newHasher();
        try (InputStream blob = from.openBlob(layer.digest(), layer.size());
             InputStream plain = new DigestInputStream(decompress(blob, layer), hasher)) {
            Files.copy(plain, tar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            blob.transferTo(OutputStream.nullOutputStream()); // reach EOF: the source verifies the blob digest there
        }
        String actual = diffId.algorithm() + ":" + HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(diffId.toString())) {
            throw new DigestMismatchException("uncompressed layer " + layer.digest() + " (checked against the image"
                    + " config's diff_id)", diffId, actual);
        }
    }

    private static InputStream decompress(InputStream blob, Descriptor layer) throws IOException {
        MediaTypes.Compression compression = MediaTypes.layerCompression(layer.mediaType());
        if (compression == null) {
            throw new IOException("layer " + layer.digest() + " has media type '" + layer.mediaType()
                    + "', which is not a tar layer: it cannot be converted to eStargz");
        }
        return switch (compression) {
            case NONE -> blob;
            case GZIP -> new GZIPInputStream(blob, 1 << 16);
            case ZSTD -> new ZstdInputStream(blob);
        };
    }

    /** The source config with {@code rootfs.diff_ids} replaced; every other field kept as it was. */
    private static byte[] newConfig(ResolvedImage image, List<EStargzWriter.Result> layers) throws IOException {
        ObjectNode config = (ObjectNode) ManifestParser.json().readTree(image.configBytes());
        ArrayNode diffIds = ((ObjectNode) config.get("rootfs")).putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        return ManifestParser.json().writeValueAsBytes(config);
    }
}
