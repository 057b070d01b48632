package io.strata.fs.pull;

import io.strata.fetcher.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain IDs of an image's layers (OCI image spec, config.md "Layer ChainID"): {@code ChainID(L0) = DiffID(L0)},
 * {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}. A chain ID names a layer <em>together with every
 * layer below it</em>, so two images share the snapshot of a layer only when they share the whole stack under it.
 */
public final class ChainIds {
    private ChainIds() {
    }

    /** One chain ID per diff ID, bottom layer first. */
    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest previous = null;
        for (Digest diffId : diffIds) {
            previous = previous == null ? diffId
                    : Digest.sha256((previous + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(previous);
        }
        return List.copyOf(chain);
    }
}
