package io.strata.fs.image;

import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fs.prefetch.PrefetchProgress;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code strata status} shows of one mount: the image, the process, and per layer how it is served and
 * what it has cost. A plain record so the control socket can send it as JSON and the CLI can read it back.
 *
 * <p>{@code upperDirectory} is the absolute path of a writable mount's upper directory ({@code --upper}; its format
 * is in {@code io.strata.fs.writable}), null for a read-only mount: {@code strata commit} finds the changes there.
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
        PrefetchProgress prefetch,
        String upperDirectory) {

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
                mounted.prefetchProgress(), null);
    }

    /** This status for a writable mount whose changes are in {@code upperDirectory} (absolute), or read-only (null). */
    public MountStatus withUpperDirectory(String upperDirectory) {
        return new MountStatus(image, manifestDigest, platform, mountpoint, pid, logFile, uptimeSeconds, inodes, layers,
                prefetch, upperDirectory);
    }

    public long totalSize() {
        return layers.stream().mapToLong(Layer::size).sum();
    }

    public long totalFetched() {
        return layers.stream().mapToLong(Layer::bytesFetched).sum();
    }
}
