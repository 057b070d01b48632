package io.strata.cache.chunk;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name of one cached chunk. Either a <em>content address</em> ({@code sha256:<hex>} of the chunk's own
 * bytes, where the layer format gives one, e.g. an eStargz chunk digest) or a <em>range</em> of a layer blob
 * (layer digest, offset, length) for formats without chunk digests. Content addresses make identical chunks
 * of different layers and images one entry; the cache re-checks their bytes against the digest on the way in
 * and on every read from disk.
 *
 * <p>Validated at construction; equal keys name the same file on disk.
 */
public final class ChunkKey {

    private static final String SHA256_PREFIX = "sha256:";
    /** The descriptor digest grammar of the OCI image spec (descriptor.md, "Digests"). */
    private static final Pattern OCI_DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final int MAX_DIGEST_LENGTH = 256;

    private final String contentHex;   // non-null for content addresses
    private final String layerDigest;  // non-null for ranges
    private final long offset;
    private final long length;
    /** Lower-case hex that names the file and picks its fan-out directories. */
    private final String fileHex;

    private ChunkKey(String contentHex, String layerDigest, long offset, long length, String fileHex) {
        this.contentHex = contentHex;
        this.layerDigest = layerDigest;
        this.offset = offset;
        this.length = length;
        this.fileHex = fileHex;
    }

    /**
     * The key of a chunk whose own digest is {@code digest}, written {@code sha256:<64 lower-case hex>}.
     *
     * @throws IllegalArgumentException if the text is not such a digest
     */
    public static ChunkKey ofContent(String digest) {
        if (!isSha256Digest(digest)) {
            throw new IllegalArgumentException("malformed chunk digest '" + digest
                    + "': a content-addressed chunk key needs sha256:<64 lower-case hex digits>;"
                    + " use ChunkKey.ofRange for chunks without their own digest");
        }
        String hex = digest.substring(SHA256_PREFIX.length());
        return new ChunkKey(hex, null, 0, 0, hex);
    }

    /**
     * {@code sha256:} and 64 lower-case hex digits. Checked by hand, not by a regular expression: readers make a key
     * for every FUSE read, and a regex match there showed up in the read path's profile.
     */
    private static boolean isSha256Digest(String digest) {
        if (digest == null || digest.length() != SHA256_PREFIX.length() + 64 || !digest.startsWith(SHA256_PREFIX)) {
            return false;
        }
        for (int i = SHA256_PREFIX.length(); i < digest.length(); i++) {
            char c = digest.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key of the bytes a layer format produces from {@code [offset, offset + length)} of the layer blob
     * {@code layerDigest} (an OCI digest such as {@code sha256:<hex>}). The range only names the chunk: the
     * cache does not check the length of the bytes the loader returns against it.
     *
     * @throws IllegalArgumentException if the digest is malformed, the offset negative or the length not positive
     */
    public static ChunkKey ofRange(String layerDigest, long offset, long length) {
        if (layerDigest == null || layerDigest.length() > MAX_DIGEST_LENGTH
                || !OCI_DIGEST.matcher(layerDigest).matches()) {
            throw new IllegalArgumentException("malformed layer digest '" + layerDigest
                    + "' in a range chunk key: expected algorithm:encoded, e.g. sha256:<hex>");
        }
        if (offset < 0 || length <= 0 || offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("bad range [" + offset + ", +" + length + ") of layer " + layerDigest
                    + " in a chunk key: the offset must be >= 0 and the length > 0");
        }
        // The file name is a hash of the canonical text so that any digest algorithm and any offset give a
        // fixed-length safe name, and the chunks of one layer spread over the fan-out instead of one directory.
        String canonical = layerDigest + "@" + offset + "+" + length;
        String hex = Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8));
        return new ChunkKey(null, layerDigest, offset, length, hex);
    }

    /** True for a chunk named by its own digest, whose bytes the cache can verify. */
    public boolean isContentAddressed() {
        return contentHex != null;
    }

    /** {@code sha256:<hex>} for a content address; empty for a range key. */
    public Optional<String> contentDigest() {
        return contentHex == null ? Optional.empty() : Optional.of("sha256:" + contentHex);
    }

    /** The layer digest of a range key; empty for a content address. */
    public Optional<String> layerDigest() {
        return Optional.ofNullable(layerDigest);
    }

    /** The offset in the layer blob of a range key; 0 for a content address. */
    public long offset() {
        return offset;
    }

    /** The length in the layer blob of a range key; 0 for a content address. */
    public long length() {
        return length;
    }

    /** The hex digest of the chunk bytes for content addresses, null for ranges. */
    String contentHex() {
        return contentHex;
    }

    /** The file name: {@code sha256-<hex>} or {@code range-<hex>}; only {@code [a-z0-9-]}. */
    String fileName() {
        return (contentHex != null ? ChunkFiles.CONTENT_PREFIX : ChunkFiles.RANGE_PREFIX) + fileHex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkKey k && fileHex.equals(k.fileHex) && (contentHex == null) == (k.contentHex == null);
    }

    @Override
    public int hashCode() {
        return fileHex.hashCode();
    }

    @Override
    public String toString() {
        return contentHex != null ? "sha256:" + contentHex : layerDigest + "[" + offset + ", +" + length + ")";
    }
}
