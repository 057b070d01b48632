package io.strata.fs.cli;

import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageCopier;
import io.strata.fetcher.source.SourceOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata copy SRC DST}: push or pull an image between registries and OCI layout directories. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Copy an image between registries and OCI layout directories, verifying every blob.")
final class CopyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SRC", description = "source image: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG]")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "destination image: HOST[:PORT]/NAME[:TAG] or oci:PATH[:TAG]")
    String destination;

    @Option(names = "--all-platforms", description = "Copy a multi-platform image whole instead of one platform.")
    boolean allPlatforms;

    @Mixin
    SourceFlags sourceFlags;

    @Override
    public Integer call() throws Exception {
        ImageRef src = ImageRef.parse(source);
        ImageRef dst = ImageRef.parse(destination);
        SourceOptions options = sourceFlags.toOptions();
        try (BlobSource from = BlobSources.open(src, options); BlobSource to = BlobSources.open(dst, options)) {
            ImageCopier.Result r = ImageCopier.copy(from, src, to, dst, allPlatforms ? null : options.platform());
            System.out.printf("copied %s to %s: %s (%d blobs, %s; %d already there)%n", src, dst, r.digest(),
                    r.blobsCopied(), Sizes.human(r.bytesCopied()), r.blobsSkipped());
        }
        return 0;
    }
}
