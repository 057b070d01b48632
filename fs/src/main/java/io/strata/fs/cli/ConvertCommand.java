package io.strata.fs.cli;

import io.strata.cache.FileStore;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.estargz.EStargzConverter;
import io.strata.fetcher.layer.estargz.EStargzWriter;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata convert SRC DST --format estargz}: rewrites every layer of an image as eStargz (still a valid
 * gzip tar for every other tool) and pushes the image, so that mounts of DST are lazy without any other artifact.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert an image's layers to eStargz (lazy-mountable, still a plain gzip tar) and push it to DST.")
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "source image: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG]")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "destination image: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG]")
    String destination;

    @Option(names = "--format", defaultValue = "estargz", description = "Layer format to write; only ${DEFAULT-VALUE} for now.")
    String format;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Split file content into gzip members of this size (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--prioritize", paramLabel = "FILE",
            description = "A file listing paths (one per line, e.g. from strata record) to place first in each layer.")
    Path prioritize;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("estargz")) {
            throw new IllegalArgumentException("unsupported --format '" + format + "' (supported: estargz)");
        }
        if (chunkSize < 4096) {
            throw new IllegalArgumentException("--chunk-size must be at least 4096 bytes, got " + chunkSize);
        }
        ImageRef src = ImageRef.parse(source);
        ImageRef dst = ImageRef.parse(destination);
        List<String> prioritized = prioritize == null ? List.of() : Files.readAllLines(prioritize).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        SourceOptions options = sourceFlags.toOptions();
        FileStore store = cacheFlags.open();
        try (BlobSource from = BlobSources.open(src, options); BlobSource to = BlobSources.open(dst, options)) {
            if (!(to instanceof BlobSink sink)) {
                throw new IllegalArgumentException(dst + " cannot receive images");
            }
            ResolvedImage image = ImageResolver.resolve(from, src, options.platform());
            EStargzConverter.Result r = EStargzConverter.convert(image, from, sink, dst.reference(),
                    new EStargzWriter(chunkSize, prioritized), store.tempDir());
            System.out.printf("converted %s to eStargz at %s: %s (%d layers)%n", src, dst, r.manifestDigest(), r.layers().size());
        }
        return 0;
    }
}
