package io.strata.fetcher.layer.write;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.CorruptLayerException;
import io.strata.fetcher.layer.DigestingOutputStream;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.tar.TarHeaders;
import io.strata.fetcher.layer.tar.TarPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes entries as an uncompressed tar, exactly in the order given, and hashes it (the diff_id). Checks what the
 * caller promised (sorted paths, hardlinks to earlier files, normalized paths) because a layer that breaks those
 * promises would still be a valid tar, only no longer reproducible or no longer meaning what was meant.
 */
final class TarStream {

    private static final int COPY_BUFFER = 1 << 16;

    /** What was written: sha256 and size of the tar, and the number of entries. */
    record Written(Digest diffId, long size, int entries) {
    }

    private TarStream() {
    }

    /** Writes {@code entries} and the end-of-archive blocks to {@code sink} (flushed, not closed). */
    static Written write(List<NewEntry> entries, OutputStream sink) throws IOException {
        DigestingOutputStream tar = new DigestingOutputStream(sink);
        byte[] buffer = new byte[COPY_BUFFER];
        Set<String> files = new HashSet<>();
        byte[] previous = null;
        for (NewEntry n : entries) {
            Entry e = reproducible(n.entry());
            byte[] path = e.path().getBytes(StandardCharsets.UTF_8);
            check(e, previous, path, files);
            previous = path;
            long size = e.type() == EntryType.FILE ? e.size() : 0;
            tar.write(TarHeaders.encode(e, size));
            if (size > 0) {
                copy(n, e.path(), size, tar, buffer);
                tar.write(new byte[TarHeaders.padding(size)]);
            }
            if (e.type() == EntryType.FILE) {
                files.add(e.path());
            }
        }
        tar.write(new byte[2 * TarHeaders.BLOCK]); // end of archive
        tar.flush();
        return new Written(tar.digest(), tar.count(), entries.size());
    }

    /** The entry as written: mtime in whole seconds, permission bits only, no content location. */
    private static Entry reproducible(Entry e) {
        long stored = e.type() == EntryType.FILE ? e.size() : 0;
        return new Entry(e.path(), e.type(), e.mode() & 07777, e.uid(), e.gid(), stored, e.mtimeSeconds(), 0,
                e.linkTarget(), e.devMajor(), e.devMinor(), e.xattrs(), 0, stored, null);
    }

    private static void check(Entry e, byte[] previous, byte[] path, Set<String> files) throws IOException {
        String normalized;
        try {
            normalized = TarPaths.normalize(e.path(), "new layer");
        } catch (CorruptLayerException bad) {
            throw new IllegalArgumentException("new layer entry '" + e.path() + "': " + bad.getMessage(), bad);
        }
        if (!normalized.equals(e.path())) {
            throw new IllegalArgumentException("new layer entry '" + e.path() + "' is not a normalized path (expected '"
                    + normalized + "')");
        }
        if (e.path().isEmpty() && e.type() != EntryType.DIRECTORY) {
            throw new IllegalArgumentException("the root of a new layer must be a directory, not a " + e.type());
        }
        if (previous != null && Arrays.compareUnsigned(previous, path) >= 0) {
            throw new IllegalArgumentException("new layer entries must be sorted by path bytes, without duplicates: '"
                    + e.path() + "' comes after '" + new String(previous, StandardCharsets.UTF_8) + "'");
        }
        if (e.type() == EntryType.HARDLINK && !files.contains(e.linkTarget())) {
            throw new IllegalArgumentException("hardlink " + e.path() + " -> " + e.linkTarget()
                    + ": the target must be a regular file written earlier in the layer");
        }
        if ((e.type() == EntryType.SYMLINK || e.type() == EntryType.HARDLINK)
                && (e.linkTarget() == null || e.linkTarget().isEmpty())) {
            throw new IllegalArgumentException(e.type() + " " + e.path() + " has no target");
        }
    }

    /** Exactly {@code size} bytes of the file's content; a file that changed size since it was listed fails. */
    private static void copy(NewEntry n, String path, long size, OutputStream tar, byte[] buffer) throws IOException {
        try (InputStream in = n.content().open()) {
            long left = size;
            while (left > 0) {
                int want = (int) Math.min(buffer.length, left);
                // Whole buffers, whatever the stream returns per read: the compressor sees the same calls every time.
                int got = in.readNBytes(buffer, 0, want);
                tar.write(buffer, 0, got);
                left -= got;
                if (got < want) {
                    throw new IOException("file " + path + " ended after " + (size - left) + " of its " + size
                            + " bytes: it changed while the layer was written; stop what writes to it and try again");
                }
            }
            if (in.read() >= 0) {
                throw new IOException("file " + path + " grew beyond its " + size + " bytes while the layer was"
                        + " written; stop what writes to it and try again");
            }
        }
    }
}
