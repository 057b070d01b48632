package io.strata.fs.build;

import io.strata.fetcher.layer.write.LayerEncoding;
import io.strata.fetcher.layer.write.NewEntry;
import io.strata.fetcher.layer.write.WrittenLayer;
import io.strata.fs.image.MountedImage;
import java.io.IOException;
import java.util.List;

/**
 * A COPY as a layer written straight from the context's files: the current state is opened only for its merged
 * tree (where the destination leads, the directories on the way, {@code --chown} names), never mounted, and the
 * same files give the same layer.
 */
final class CopyStep {

    private CopyStep() {
    }

    /**
     * @param dest        the absolute destination
     * @param chown       the {@code --chown} value (variables expanded), or null for root
     * @param newDirMtime mtime of the directories the copy creates
     * @return the layer, or null when the sources are only an existing directory's (nothing to write)
     */
    static WrittenLayer run(StateMounts mounts, BuildState state, List<ContextFiles.Source> sources, String dest,
                            String chown, long newDirMtime, LayerEncoding encoding, BuildCache cache)
            throws IOException {
        List<NewEntry> entries;
        try (MountedImage lower = mounts.open(state)) {
            Owners.Owner owner = chown == null ? Owners.Owner.ROOT
                    : Owners.parse(chown, path -> StateMounts.read(lower, path));
            entries = CopyLayer.entries(lower.union(), sources, dest, owner, newDirMtime);
            mounts.tally(lower, state);
        }
        return cache.writeLayer(entries, encoding);
    }
}
