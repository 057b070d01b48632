package io.strata.fs.cli;

import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fs.pull.Puller;
import io.strata.fs.pull.SnapshotStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code strata pull IMAGE DIR}: the eager path. Layers become snapshots (downloaded at most once per host, a few at
 * a time, verified), and the image's root file system is written to DIR. Progress goes to stderr; the last line, on
 * stdout, says what it cost.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download an image and write its root file system to DIR (a new or empty directory). Layers are"
                + " kept as snapshots named by chain ID: a layer this host has is never downloaded again.")
final class PullCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG]")
    String image;

    @Parameters(index = "1", paramLabel = "DIR", description = "a new or empty directory")
    Path dir;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Mixin
    SnapshotFlags snapshotFlags;

    @Override
    public Integer call() throws Exception {
        ImageRef ref = ImageRef.parse(image);
        SourceOptions options = sourceFlags.toOptions();
        SnapshotStore store = snapshotFlags.open(cacheFlags);
        try (BlobSource source = BlobSources.open(ref, options); PullProgress progress = new PullProgress(System.err)) {
            Puller.Result r = Puller.pull(source, ref, options.platform(), store, dir, progress);
            progress.close();
            System.out.println(summary(r));
        }
        return 0;
    }

    /** {@code pulled IMAGE into DIR: 3 layers (1 downloaded, 2 reused), 12.0 MiB (12582912 bytes) downloaded in 1 request, ...}. */
    static String summary(Puller.Result r) {
        int layers = r.layers().size();
        return String.format(Locale.ROOT, "pulled %s into %s: %s (%d downloaded, %d reused), %s (%d bytes) downloaded in %s,"
                        + " %d paths (%s of content), %.2f s (layers %.2f s, tree %.2f s)", r.image().ref(),
                r.directory(), plural(layers, "layer"), layers - r.reused(), r.reused(), Sizes.human(r.bytesFetched()),
                r.bytesFetched(), plural(r.requests(), "request"), r.nodes(), Sizes.human(r.contentBytes()), seconds(r.elapsed()),
                seconds(r.layersTime()), seconds(r.writeTime()));
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
