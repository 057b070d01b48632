package io.strata.fs.image;

import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fs.prefetch.PrefetchProgress;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code strata status} shows of one mount: the image, the process, and per layer how it is served and
 * what it has cost. A plain record so the control socket can send it as JSON and the CLI can read it back.
 */
public record MountStatus(
        String image,
        String manifestDigest,
        String platform,
        String mountpoint,
        long pid,
        String logFile,
        long uptimeSeconds,
        long inodes,
        List<Layer> layers,
        PrefetchProgress prefetch) {

    /**
     * One layer's line.
     *
     * @param lazy   whether reading a file fetches only that file's bytes (false for {@code whole})
     * @param reason why the layer is not lazy; null when it is
     */
    public record Layer(int number, String digest, String mediaType, String format, boolean lazy, String reason,
                        long size, long bytesFetched, long requests, long cacheHits, long cacheMisses,
                        long bytesServed, int entries) {
    }

    static MountStatus of(MountedImage mounted, String mountpoint, String logFile, long startedMillis) {
        List<Layer> layers = new ArrayList<>();
        int n = 1;
        for (OpenedLayer l : mounted.layers()) {
            LayerStats s = l.stats();
            layers.add(new Layer(n++, l.descriptor().digest().toString(), l.descriptor().mediaType(), l.format(),
                    l.notLazyReason() == null, l.notLazyReason(), l.descriptor().size(), s.bytesFetched.get(),
                    s.requests.get(), s.cacheHits.get(), s.cacheMisses.get(), s.bytesServed.get(),
                    l.index().entries().size()));
        }
        var image = mounted.image();
        return new MountStatus(image.ref().toString(), image.manifestDigest().toString(),
                String.valueOf(image.platform()), mountpoint, ProcessHandle.current().pid(), logFile,
                (System.currentTimeMillis() - startedMillis) / 1000, mounted.union().nodeCount(), List.copyOf(layers),
                mounted.prefetchProgress());
    }

    public long totalSize() {
        return layers.stream().mapToLong(Layer::size).sum();
    }

    public long totalFetched() {
        return layers.stream().mapToLong(Layer::bytesFetched).sum();
    }
}
