package io.strata.fetcher.layer.estargz;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.LayerContext;
import io.strata.fetcher.layer.LayerFormat;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.source.TransferCounter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves eStargz layers lazily (docs/estargz.md of containerd/stargz-snapshotter). Opening a layer costs two
 * range requests the first time (the footer, then the TOC) and none later: the verified TOC is kept in the
 * {@link FileStore} under {@value #NAMESPACE}. A gzip layer without the eStargz footer costs the one footer
 * request and is left to the next format.
 *
 * <p>Trust: the TOC is verified against the descriptor's {@value #TOC_DIGEST_ANNOTATION} annotation (the
 * manifest was verified by its digest), and every chunk against the TOC's {@code chunkDigest}. A layer whose
 * descriptor lacks the annotation has a TOC nobody vouches for: it is left to the next format unless the
 * format was built with {@code trustUnverifiedToc}.
 */
public final class EStargzFormat implements LayerFormat {

    /** {@link OpenedLayer#format()} of eStargz layers. */
    public static final String FORMAT = "estargz";
    /** Descriptor annotation: sha256 of the uncompressed TOC JSON. */
    public static final String TOC_DIGEST_ANNOTATION = "containerd.io/snapshot/stargz/toc.digest";
    /** Descriptor annotation: size of the layer's uncompressed tar, in decimal. */
    public static final String UNCOMPRESSED_SIZE_ANNOTATION = "io.containers.estargz.uncompressed-size";
    /** Why an eStargz layer without the TOC digest annotation is not served lazily (for {@code strata status}). */
    public static final String UNVERIFIABLE_REASON = "eStargz layer without the " + TOC_DIGEST_ANNOTATION
            + " annotation: its TOC cannot be verified, so it is fetched whole";
    /** The {@link FileStore} namespace of verified TOCs. */
    public static final String NAMESPACE = "estargz";

    /** Bounds on what is held in memory: a TOC of 10⁶ entries is about 300 MiB of JSON. */
    // Bounds against a hostile image: a real TOC takes ~200 bytes a file, so 64 MiB of JSON is ~300 000 files.
    static final int MAX_TOC_COMPRESSED = 32 << 20;
    static final int MAX_TOC_JSON = 64 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(EStargzFormat.class);
    private static final int CACHE_MAGIC = 0x53475a31; // "SGZ1"

    private final boolean trustUnverifiedToc;

    /** Serves only layers whose TOC digest is in the manifest. */
    public EStargzFormat() {
        this(false);
    }

    /**
     * @param trustUnverifiedToc serve eStargz layers without the TOC digest annotation too, trusting their TOC
     *                           (chunks are still verified against it, but nothing vouches for the TOC itself)
     */
    public EStargzFormat(boolean trustUnverifiedToc) {
        this.trustUnverifiedToc = trustUnverifiedToc;
    }

    @Override
    public String name() {
        return FORMAT;
    }

    /**
     * @throws DigestMismatchException when the TOC does not match the annotation
     * @throws CorruptLayerException   when the TOC is malformed
     */
    @Override
    public Optional<OpenedLayer> open(LayerContext context) throws IOException {
        Descriptor layer = context.layer();
        if (MediaTypes.layerCompression(layer.mediaType()) != MediaTypes.Compression.GZIP) {
            return Optional.empty();
        }
        Digest tocDigest = annotatedTocDigest(layer);
        LayerStats stats = new LayerStats();
        TransferCounter counter = stats.transfers();
        Loaded loaded = fromStore(context.store(), layer, tocDigest);
        if (loaded == null) {
            loaded = fetch(context, tocDigest, counter);
            if (loaded == null) {
                return Optional.empty();
            }
            Loaded toStore = loaded;
            context.store().put(NAMESPACE, layer.digest().toTagSafe(), out -> {
                DataOutputStream data = new DataOutputStream(out);
                data.writeInt(CACHE_MAGIC);
                data.writeLong(toStore.tocOffset());
                data.write(toStore.json());
                data.flush();
            });
        }
        Toc toc = parse(loaded.json(), layer);
        String unverifiable = TocIndex.firstUnverifiable(toc);
        if (unverifiable != null) {
            LOG.warn("layer {} is a stargz layer without chunk digests ('{}' has none): its content cannot be"
                    + " verified chunk by chunk, so it is not served lazily", layer.digest().shortForm(), unverifiable);
            context.declined("stargz layer without chunk digests: its chunks cannot be verified one by one");
            return Optional.empty();
        }
        TocIndex.Built built = TocIndex.build(toc, loaded.tocOffset(), layer.digest(), context.diffId());
        EStargzReader reader = new EStargzReader(context.source(), layer.digest(), built.chunks(), context.chunks(),
                stats, counter, built.prioritized());
        LOG.info("layer {} opened as eStargz ({} entries, {} chunks)", layer.digest().shortForm(),
                built.index().entries().size(), built.chunks().chunkCount());
        return Optional.of(new OpenedLayer(layer, built.index(), reader, stats, FORMAT, null));
    }

    private record Loaded(long tocOffset, byte[] json) {
    }

    private static Digest annotatedTocDigest(Descriptor layer) throws CorruptLayerException {
        String text = layer.annotation(TOC_DIGEST_ANNOTATION);
        if (text == null) {
            return null;
        }
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptLayerException(layer.digest().toString(), null, "its descriptor's annotation "
                    + TOC_DIGEST_ANNOTATION + " is not a digest: " + e.getMessage());
        }
    }

    /** The verified TOC kept by an earlier open; null when there is none or it no longer verifies. */
    private Loaded fromStore(FileStore store, Descriptor layer, Digest tocDigest) {
        Optional<Path> file = store.find(NAMESPACE, layer.digest().toTagSafe());
        if (file.isEmpty() || (tocDigest == null && !trustUnverifiedToc)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file.get()))) {
            if (in.readInt() != CACHE_MAGIC) {
                throw new IOException("not a Strata TOC file");
            }
            long tocOffset = in.readLong();
            byte[] json = in.readNBytes(MAX_TOC_JSON);
            if (tocDigest != null && !verifies(tocDigest, json)) {
                throw new IOException("its TOC no longer matches " + tocDigest);
            }
            return new Loaded(tocOffset, json);
        } catch (IOException e) {
            LOG.warn("cached TOC {} of layer {} cannot be used ({}); fetching it again", file.get(),
                    layer.digest().shortForm(), e.getMessage());
            return null;
        }
    }

    /** Footer, then TOC: two range requests. Null when the layer is not (usable) eStargz. */
    private Loaded fetch(LayerContext context, Digest tocDigest, TransferCounter counter) throws IOException {
        Descriptor layer = context.layer();
        long blobSize = layer.size();
        if (blobSize < Footer.LEGACY_SIZE) {
            return null;
        }
        int tailLength = (int) Math.min(Footer.SIZE, blobSize);
        byte[] tail = context.source().readRange(layer.digest(), blobSize - tailLength, tailLength, counter);
        Footer.Parsed footer = Footer.parse(tail);
        if (footer == null) {
            LOG.debug("layer {} has no eStargz footer", layer.digest().shortForm());
            return null;
        }
        if (tocDigest == null && !trustUnverifiedToc) {
            LOG.warn("layer {}: {}", layer.digest().shortForm(), UNVERIFIABLE_REASON);
            context.declined("eStargz layer without the " + TOC_DIGEST_ANNOTATION
                    + " annotation: its TOC cannot be verified");
            return null;
        }
        long tocEnd = blobSize - footer.footerSize();
        long tocLength = tocEnd - footer.tocOffset();
        if (footer.tocOffset() < 0 || tocLength <= 0 || tocLength > MAX_TOC_COMPRESSED) {
            throw new CorruptLayerException(layer.digest().toString(), null, "its eStargz footer puts the TOC at offset "
                    + footer.tocOffset() + " of a " + blobSize + "-byte blob (TOC member of " + tocLength + " bytes)");
        }
        byte[] member = context.source().readRange(layer.digest(), footer.tocOffset(), (int) tocLength, counter);
        if (member.length != tocLength) {
            throw new IOException("layer " + layer.digest() + ": the source returned " + member.length + " bytes of the "
                    + tocLength + "-byte TOC at offset " + footer.tocOffset() + " (is the blob shorter than its"
                    + " descriptor's size " + blobSize + "?)");
        }
        byte[] json = tocJson(member, layer);
        if (tocDigest != null && !verifies(tocDigest, json)) {
            throw new DigestMismatchException("eStargz TOC of layer " + layer.digest() + " (checked against its "
                    + TOC_DIGEST_ANNOTATION + " annotation)", tocDigest, actual(tocDigest, json));
        }
        return new Loaded(footer.tocOffset(), json);
    }

    /** The content of the tar entry {@value Toc#TAR_NAME} that the TOC gzip member holds. */
    private static byte[] tocJson(byte[] member, Descriptor layer) throws IOException {
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(member));
             TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !Toc.TAR_NAME.equals(entry.getName())) {
                throw new CorruptLayerException(layer.digest().toString(), entry == null ? null : entry.getName(),
                        "the eStargz TOC member does not start with the tar entry " + Toc.TAR_NAME);
            }
            if (entry.getSize() > MAX_TOC_JSON) {
                throw new CorruptLayerException(layer.digest().toString(), Toc.TAR_NAME, "the TOC claims "
                        + entry.getSize() + " bytes, more than the " + MAX_TOC_JSON + " Strata accepts");
            }
            byte[] json = tar.readNBytes((int) entry.getSize());
            if (json.length != entry.getSize()) {
                throw new CorruptLayerException(layer.digest().toString(), Toc.TAR_NAME, "the TOC is truncated");
            }
            return json;
        } catch (CorruptLayerException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptLayerException(layer.digest().toString(), Toc.TAR_NAME,
                    "the eStargz TOC member cannot be decompressed: " + e.getMessage());
        }
    }

    private static Toc parse(byte[] json, Descriptor layer) throws CorruptLayerException {
        try {
            return Toc.parse(json);
        } catch (IOException e) {
            throw new CorruptLayerException(layer.digest().toString(), Toc.TAR_NAME,
                    "the eStargz TOC is not valid TOC JSON: " + e.getMessage());
        }
    }

    private static boolean verifies(Digest expected, byte[] json) {
        return expected.matches(expected.newHasher().digest(json));
    }

    private static String actual(Digest expected, byte[] json) {
        return expected.algorithm() + ":" + java.util.HexFormat.of().formatHex(expected.newHasher().digest(json));
    }

}
