package io.strata.fs.cli;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.LayerIndexes;
import io.strata.fetcher.layer.publish.IndexBuilder;
import io.strata.fetcher.layer.publish.IndexPublisher;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata index IMAGE}: streams each unmodified gzip layer of an image once, builds its lazy index (file
 * table + checkpoint index), keeps it in the cache, and (unless {@code --no-push}) publishes it next to the image
 * as an OCI artifact, so that {@code strata mount} on any host serves those layers lazily. The image itself is
 * not changed.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build the lazy index of an unmodified gzip image once and publish it next to the image.")
final class IndexCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG]")
    String image;

    @Option(names = "--push", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Publish the index to the image's repository (default: ${DEFAULT-VALUE}); "
                    + "--no-push only keeps it in the local cache.")
    boolean push;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Override
    public Integer call() throws Exception {
        ImageRef ref = ImageRef.parse(image);
        SourceOptions options = sourceFlags.toOptions();
        FileStore store = cacheFlags.open();
        PrintStream out = System.out;
        try (BlobSource source = BlobSources.open(ref, options)) {
            ResolvedImage resolved = ImageResolver.resolve(source, ref, options.platform());
            out.printf("image %s: manifest %s, %d layers%n", ref, resolved.manifestDigest(), resolved.layers().size());
            List<IndexBuilder.LayerResult> results = IndexBuilder.build(source, resolved, store);
            int n = 0;
            for (IndexBuilder.LayerResult r : results) {
                out.println(describe(++n, results.size(), r));
            }
            List<LayerIndexes.Stored> indexed = results.stream().filter(IndexBuilder.LayerResult::indexed)
                    .map(IndexBuilder.LayerResult::stored).toList();
            if (indexed.isEmpty()) {
                out.println("no layer needs a lazy index: nothing to publish");
                return 0;
            }
            if (!push) {
                out.printf("indexed %d layers in %s; not published (--no-push)%n", indexed.size(), cacheFlags.directory());
                return 0;
            }
            IndexPublisher.Published published = IndexPublisher.publish(source, resolved, indexed, Clock.systemUTC());
            out.printf("published lazy index %s (%d layers) to %s, listed under tag %s%n", published.artifact(),
                    published.layers(), source.describe(), published.referrersTag());
        }
        return 0;
    }

    /** {@code layer 1/3 sha256:0123456789ab indexed: file table 12 KiB + checkpoints 40 KiB = 0.2 % of 30 MiB}. */
    private static String describe(int number, int count, IndexBuilder.LayerResult r) throws IOException {
        String head = String.format("layer %d/%d %s ", number, count, r.layer().digest().shortForm());
        if (!r.indexed()) {
            return head + "skipped: " + r.reason();
        }
        long table = Files.size(r.stored().fileTable());
        long checkpoints = Files.size(r.stored().checkpoints());
        String status = r.status() == IndexBuilder.Status.INDEXED ? "indexed" : "indexed (already in the cache)";
        return head + status + ": file table " + Sizes.human(table) + " + checkpoints " + Sizes.human(checkpoints)
                + " = " + Sizes.percent(table + checkpoints, r.layer().size()) + " of the " + Sizes.human(r.layer().size())
                + " layer";
    }
}
