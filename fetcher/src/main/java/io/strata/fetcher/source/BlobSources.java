package io.strata.fetcher.source;

import io.strata.fetcher.image.ImageRef;
import java.io.IOException;

/** Opens the {@link BlobSource} for a reference: a registry repository or an OCI layout directory. */
public final class BlobSources {
    private BlobSources() {
    }

    /**
     * The source holding {@code ref}'s repository. Both media also implement {@link BlobSink}. Opening does
     * not contact the registry; the first request does.
     */
    public static BlobSource open(ImageRef ref, SourceOptions options) throws IOException {
        return ref.isLayout() ? new OciLayoutBlobSource(ref.layoutPath()) : new RegistryBlobSource(ref, options);
    }
}
