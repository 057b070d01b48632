package io.strata.fetcher.layer;

import java.io.IOException;

/**
 * The only path by which file content is produced: turns an entry of one layer and a byte range into
 * verified bytes. Implementations decide where bytes come from (a cached whole layer, eStargz chunks,
 * gzip checkpoints) and must be safe for concurrent use.
 */
public interface EntryReader {

    /**
     * Reads up to {@code length} bytes of {@code entry}'s logical content starting at {@code offset} into
     * {@code dst[dstOffset..]}. Holes of sparse files read as zeros. Returns the number of bytes read, which is
     * less than {@code length} only at the end of the file (0 at or past the end).
     *
     * @throws IOException when the bytes cannot be produced or fail verification; never returns unverified bytes
     */
    int read(Entry entry, long offset, byte[] dst, int dstOffset, int length) throws IOException;
}
