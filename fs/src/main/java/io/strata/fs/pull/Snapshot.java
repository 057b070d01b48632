package io.strata.fs.pull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A committed snapshot of the {@link SnapshotStore}: one layer's changes, as the layer's verified uncompressed tar
 * ({@link #tar()}) and its entry table ({@link #index()}), named by the layer's chain ID. Which image layers it
 * stands for is fixed by the chain ID; {@code snapshot.json} records the rest.
 *
 * @param chainId   the name: this layer and every layer below it
 * @param parent    the chain ID of the layer below, null for a base layer
 * @param diffId    digest of the uncompressed tar, verified when the snapshot was made
 * @param layer     the blob it was made from (another image may share the snapshot through another blob of the
 *                  same diff ID, e.g. recompressed)
 * @param tarLength bytes of the uncompressed tar
 * @param entries   entries of the tar (whiteouts included)
 * @param created   when it was committed, ISO-8601
 * @param directory where it lives (not stored: the store knows)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Snapshot(Digest chainId, Digest parent, Digest diffId, Descriptor layer, long tarLength, long entries,
                       String created, @JsonIgnore Path directory) {

    static final String TAR = "layer.tar";
    static final String INDEX = "index";
    static final String INFO = "snapshot.json";

    public Snapshot {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(diffId, "diffId");
        Objects.requireNonNull(layer, "layer");
    }

    /** The layer's uncompressed tar, verified against {@link #diffId()}. */
    public Path tar() {
        return directory.resolve(TAR);
    }

    /** The tar's entry table (fetcher's index file format). */
    public Path index() {
        return directory.resolve(INDEX);
    }

    Snapshot at(Path dir) {
        return new Snapshot(chainId, parent, diffId, layer, tarLength, entries, created, dir);
    }
}
