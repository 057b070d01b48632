package io.strata.fetcher.layer.write;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import java.io.IOException;
import java.io.InputStream;

/**
 * One entry of a layer to write: its metadata and, for a regular file with content, how to read that content.
 *
 * @param entry   what the tar header says: path (normalized, see {@link io.strata.fetcher.layer.tar.TarPaths}),
 *                type, mode, uid, gid, size (of a {@code FILE}), mtime, link target (a symlink's target as
 *                written; a hardlink's target path, which must be a {@code FILE} written earlier in the same
 *                layer), device numbers, xattrs. Its content offsets and sparse map are not used.
 * @param content opens the content of a {@code FILE} of non-zero size (exactly {@code entry.size()} bytes are
 *                expected); null for every other entry
 */
public record NewEntry(Entry entry, Content content) {

    /** Opens the content of a file; called once, when the writer reaches the entry. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    public NewEntry {
        if (entry == null) {
            throw new IllegalArgumentException("a new layer entry needs its metadata");
        }
        boolean hasContent = entry.type() == EntryType.FILE && entry.size() > 0;
        if (hasContent && content == null) {
            throw new IllegalArgumentException("file " + entry.path() + " has " + entry.size()
                    + " bytes but no content");
        }
        if (!hasContent && content != null) {
            throw new IllegalArgumentException(entry.type() + " " + entry.path() + " of size " + entry.size()
                    + " cannot have content");
        }
        if (entry.isSparse()) {
            throw new IllegalArgumentException("file " + entry.path()
                    + ": new layers are written dense, without a sparse map");
        }
    }
}
