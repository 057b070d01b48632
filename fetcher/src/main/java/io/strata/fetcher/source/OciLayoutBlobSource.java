package io.strata.fetcher.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.DigestMismatchException;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An OCI image layout directory (image-spec image-layout.md): {@code oci-layout}, {@code index.json} whose
 * entries are tagged by the {@code org.opencontainers.image.ref.name} annotation, and
 * {@code blobs/<alg>/<hex>}. Pushing creates the layout if needed, writes blobs through a temp file and an
 * atomic rename, and rewrites {@code index.json} the same way.
 */
final class OciLayoutBlobSource implements BlobSource, BlobSink {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final int MAX_MANIFEST = 8 << 20;

    private final Path root;

    OciLayoutBlobSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "oci:" + root;
    }

    @Override
    public FetchedManifest manifest(String reference) throws IOException {
        JsonNode entry = reference.contains(":") ? null : findTag(reference);
        Digest digest = entry != null ? Digest.parse(entry.path("digest").asText()) : null;
        if (entry == null) {
            if (!reference.contains(":")) {
                throw new NotFoundException("image " + describe() + ":" + reference + " not found: index.json has no "
                        + "manifest tagged '" + reference + "' (check the tag with `strata inspect`)");
            }
            digest = Digest.parse(reference);
        }
        Path blob = blobPath(digest);
        if (!Files.exists(blob)) {
            throw new NotFoundException("image " + describe() + (entry == null ? "@" : ":") + reference
                    + " not found: no blob " + digest + " in the layout");
        }
        if (Files.size(blob) > MAX_MANIFEST) {
            throw new IOException("manifest " + digest + " in " + describe() + " is larger than 8 MiB: not a manifest");
        }
        byte[] body = Files.readAllBytes(blob);
        if (!digest.matches(digest.newHasher().digest(body))) {
            throw new DigestMismatchException("manifest " + digest + " in " + describe(), digest,
                    Digest.sha256(body).toString());
        }
        String name = describe() + "@" + digest;
        String declared = entry != null ? entry.path("mediaType").asText(null) : null;
        return new FetchedManifest(ManifestParser.mediaTypeOf(name, declared, body), digest, body);
    }

    @Override
    public long blobSize(Digest digest) throws IOException {
        try {
            return Files.size(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw blobNotFound(digest);
        }
    }

    @Override
    public InputStream openBlob(Digest digest, long expectedSize) throws IOException {
        try {
            return new VerifyingInputStream(Files.newInputStream(blobPath(digest)), digest, expectedSize,
                    "blob " + digest + " of " + describe());
        } catch (NoSuchFileException e) {
            throw blobNotFound(digest);
        }
    }

    @Override
    public byte[] readRange(Digest digest, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(blobPath(digest), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(length, ch.size() - offset)));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            return buf.position() == buf.capacity() ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
        } catch (NoSuchFileException e) {
            throw blobNotFound(digest);
        }
    }

    @Override
    public boolean hasBlob(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public void pushBlob(Digest digest, long size, ContentOpener content) throws IOException {
        if (hasBlob(digest)) {
            return;
        }
        ensureLayout();
        try (InputStream in = new VerifyingInputStream(content.open(), digest, size,
                "content of blob " + digest + " pushed to " + describe())) {
            writeAtomically(blobPath(digest), out -> in.transferTo(out));
        }
    }

    @Override
    public synchronized void pushManifest(String reference, String mediaType, byte[] body) throws IOException {
        ensureLayout();
        Digest digest = Digest.sha256(body);
        if (reference.contains(":") && !Digest.parse(reference).equals(digest)) {
            throw new DigestMismatchException("manifest pushed to " + describe() + " as " + reference,
                    Digest.parse(reference), digest.toString());
        }
        if (!hasBlob(digest)) {
            writeAtomically(blobPath(digest), out -> out.write(body));
        }
        if (reference.contains(":")) {
            return; // by digest: a child of an index, stored but not listed
        }
        ObjectNode index = readIndex();
        ArrayNode manifests = index.withArray("manifests");
        for (int i = manifests.size() - 1; i >= 0; i--) {
            if (reference.equals(manifests.get(i).path("annotations").path(REF_NAME).asText(null))) {
                manifests.remove(i);
            }
        }
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", mediaType);
        entry.put("digest", digest.toString());
        entry.put("size", body.length);
        entry.putObject("annotations").put(REF_NAME, reference);
        byte[] json = ManifestParser.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
        writeAtomically(root.resolve("index.json"), out -> out.write(json));
    }

    @Override
    public void close() {
    }

    private JsonNode findTag(String tag) throws IOException {
        if (!Files.isRegularFile(root.resolve("oci-layout"))) {
            throw new NotFoundException("no OCI image layout at " + root + " (missing oci-layout file): check the "
                    + "path, or create one with `skopeo copy docker://IMAGE oci:" + root + ":TAG`");
        }
        JsonNode found = null;
        for (JsonNode entry : readIndex().path("manifests")) {
            if (tag.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                found = entry;
            }
        }
        return found;
    }

    private ObjectNode readIndex() throws IOException {
        Path file = root.resolve("index.json");
        if (!Files.exists(file)) {
            ObjectNode empty = ManifestParser.json().createObjectNode();
            empty.put("schemaVersion", 2);
            empty.put("mediaType", MediaTypes.OCI_INDEX);
            empty.putArray("manifests");
            return empty;
        }
        try {
            JsonNode node = ManifestParser.json().readTree(file.toFile());
            if (!(node instanceof ObjectNode object)) {
                throw new IOException(file + " is not a JSON object: the layout is damaged");
            }
            return object;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is malformed JSON (" + e.getOriginalMessage() + "): the layout is damaged", e);
        }
    }

    private void ensureLayout() throws IOException {
        Files.createDirectories(root.resolve("blobs"));
        Path marker = root.resolve("oci-layout");
        if (!Files.exists(marker)) {
            byte[] json = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
            writeAtomically(marker, out -> out.write(json));
        }
    }

    Path blobPath(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes next to the target and renames, so a reader never sees a partial file. */
    private static void writeAtomically(Path target, Writer writer) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private NotFoundException blobNotFound(Digest digest) {
        return new NotFoundException("blob " + digest + " not found in " + describe()
                + " (the layout is incomplete: copy the image into it again)");
    }
}
