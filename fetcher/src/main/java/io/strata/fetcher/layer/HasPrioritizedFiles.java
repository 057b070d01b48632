package io.strata.fetcher.layer;

import java.util.List;

/**
 * An optional ability of an {@link EntryReader}: the layer names files its author wants fetched before the rest
 * (an eStargz layer's files before its {@code .prefetch.landmark}, typically those a recorded workload opens
 * first). A mount prefetches them in the background; readers of other formats simply do not implement this.
 */
public interface HasPrioritizedFiles {

    /**
     * Paths of the prioritized regular files (hard links to them included), as in the layer's index (no leading
     * {@code /}), in layer order.
     */
    List<String> prioritizedFiles();
}
