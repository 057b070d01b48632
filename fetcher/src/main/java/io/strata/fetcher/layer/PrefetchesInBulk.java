package io.strata.fetcher.layer;

import java.io.IOException;
import java.util.List;

/**
 * An optional ability of an {@link EntryReader}: fetch the content of many files with a few large, streamed range
 * requests instead of one request per file, which is what a prefetch of the files a workload reads first should cost
 * on a high-latency link (a round trip per file would dominate otherwise). Every chunk is verified and cached as it
 * arrives; a read that needs a chunk still on its way waits for it rather than fetching it a second time.
 */
public interface PrefetchesInBulk {

    /**
     * Fetches, verifies and caches the content of {@code paths} (paths in this layer's index, no leading
     * {@code /}; unknown paths and files without content are skipped). Blocks until done.
     *
     * @return the bytes fetched from the source
     * @throws IOException when a request fails; chunks that arrived and verified before stay cached
     */
    long prefetch(List<String> paths) throws IOException;
}
