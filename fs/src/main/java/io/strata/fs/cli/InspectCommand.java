package io.strata.fs.cli;

import io.strata.fetcher.image.ImageInspector;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.ResolvedImage;
import io.strata.fetcher.layer.estargz.EStargzFormat;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata inspect IMAGE}: what an image is made of, without fetching its layers. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show an image's manifest, config, platform and layers (media type, size, diff ID, index).")
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG]")
    String image;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Mixin
    SourceFlags sourceFlags;

    @Override
    public Integer call() throws Exception {
        ImageRef ref = ImageRef.parse(image);
        SourceOptions options = sourceFlags.toOptions();
        try (BlobSource source = BlobSources.open(ref, options)) {
            ResolvedImage resolved = ImageResolver.resolve(source, ref, options.platform());
            ImageInspector inspector = new ImageInspector(d -> d.annotation(EStargzFormat.TOC_DIGEST_ANNOTATION) != null
                    ? EStargzFormat.FORMAT + " (lazy: chunks fetched as files are read)" : ImageInspector.WHOLE_LAYER.apply(d));
            System.out.print(json ? inspector.renderJson(resolved) + "\n" : inspector.renderTable(resolved));
        }
        return 0;
    }
}
