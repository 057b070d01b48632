package io.strata.fs.cli;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fs.build.BuildLog;
import io.strata.fs.build.Builder;
import io.strata.fs.build.Dockerfile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata build [-f FILE] [-t TARGET] CONTEXT}: builds a Dockerfile (a subset) on a lazily read base image,
 * one layer per COPY or RUN, with a layer cache, and pushes the image to TARGET. Prints the step log and the
 * manifest digest.
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build an image from a Dockerfile (FROM, RUN, COPY, ENV, WORKDIR, CMD, ENTRYPOINT, LABEL) on a"
                + " lazily read base image, with a layer cache; RUN needs root.")
final class BuildCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONTEXT", description = "the build context: COPY sources are relative to it")
    Path context;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the Dockerfile (default: CONTEXT/Dockerfile)")
    Path dockerfile;

    @Option(names = {"-t", "--tag"}, paramLabel = "TARGET",
            description = "where to push the image: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG] (default: keep it in the"
                    + " build cache only). In the base image's repository, no base layer is copied.")
    String target;

    @Option(names = "--format", paramLabel = "gzip|estargz", defaultValue = "gzip",
            description = "Format of the new layers: gzip, or estargz (lazily mountable); default ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--no-cache", description = "Run every step, even those the layer cache has.")
    boolean noCache;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Override
    public Integer call() throws Exception {
        LayerEncoding encoding = LayerEncoding.parse(format);
        ImageRef targetRef = target == null ? null : ImageRef.parse(target);
        if (targetRef != null && (targetRef.digest() != null || targetRef.tag() == null)) {
            throw new IllegalArgumentException("-t " + target + " names a digest: give a tag instead (the image's"
                    + " digest is known only once it is built)");
        }
        if (!Files.isDirectory(context)) {
            throw new IllegalArgumentException("the build context " + context + " is not a directory");
        }
        Dockerfile file = Dockerfile.read(dockerfile != null ? dockerfile : context.resolve("Dockerfile"));
        Instant created = CommitCommand.creationTime();
        long directoryTime = System.getenv("SOURCE_DATE_EPOCH") == null ? 0 : created.getEpochSecond();
        Builder.Options options = new Builder.Options(context.toAbsolutePath(), targetRef, sourceFlags.toOptions(),
                encoding, created, directoryTime, noCache);
        FileStore store = cacheFlags.open();
        long t0 = System.nanoTime();
        Builder.Result r = Builder.build(file, options, store, cacheFlags::openChunks, new Log(System.out));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        PrintStream out = System.out;
        out.printf("built %s in %.1f s: %d of %d steps cached, %s on the base%n", r.manifestDigest(),
                millis / 1000.0, r.cached(), r.steps() - 1, layers(r.layersAdded()));
        if (r.baseSize() > 0) {
            out.printf("base fetched %s of %s (%s; %d of %d bytes) by %d mounts%n", Sizes.human(r.baseBytesFetched()),
                    Sizes.human(r.baseSize()), Sizes.percent(r.baseBytesFetched(), r.baseSize()), r.baseBytesFetched(),
                    r.baseSize(), r.mounts());
        }
        if (r.pushed() != null) {
            Builder.Pushed p = r.pushed();
            out.printf("pushed to %s: %d blobs copied, %d already there%s%n", p.target(), p.blobsCopied(),
                    p.blobsSkipped(), p.baseLayersCopied() == 0 ? ""
                            : String.format(", %d base layers the target lacked copied from the base (%s fetched)",
                                    p.baseLayersCopied(), Sizes.human(p.baseBytesCopied())));
        } else {
            out.println("not pushed (no -t): the image is in the build cache only");
        }
        out.printf("manifest %s%n", r.manifestDigest());
        return 0;
    }

    private static String layers(int n) {
        return n + (n == 1 ? " layer" : " layers");
    }

    /** The step log, as {@code STEP 2/5: RUN ...} and {@code --> ...} lines. */
    private record Log(PrintStream out) implements BuildLog {
        @Override
        public void step(int number, int total, String text) {
            out.printf("STEP %d/%d: %s%n", number, total, text);
        }

        @Override
        public void base(ResolvedImage base, long size) {
            out.printf("--> %s%n", base.layers().isEmpty() && size == 0 ? "scratch" : base.ref() + "@"
                    + base.manifestDigest().shortForm() + " (" + layers(base.layers().size()) + ", "
                    + Sizes.human(size) + ")");
        }

        @Override
        public void cached(Digest state) {
            out.printf("--> CACHED %s%n", state.shortForm());
        }

        @Override
        public void built(Digest state, Descriptor layer, long millis) {
            out.printf("--> %s%s in %.1f s%n", state.shortForm(), layer == null ? " (no layer)"
                    : ", layer " + layer.digest().shortForm() + " " + Sizes.human(layer.size()), millis / 1000.0);
        }

        @Override
        public void note(String message) {
            out.printf("note: %s%n", message);
        }
    }
}
