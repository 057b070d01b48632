package io.strata.fs.build;

import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fetcher.source.BlobSource;
import io.strata.fs.fuse.ContentReader;
import io.strata.fs.image.MountedImage;
import io.strata.fs.union.Node;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Opens build states as {@link MountedImage}s (the base lazily from its repository, the build's layers from the
 * cache's layout) and adds up what they fetched of the base: the figure that shows a build did not pull the base.
 * A base layer that cannot be read lazily is said once, with the reason.
 */
final class StateMounts {

    /** Files of the image read by COPY (/etc/passwd, /etc/group) are small; refuse to buffer more. */
    private static final int MAX_READ = 16 << 20;

    private final BuildCache cache;
    private final BlobSource base;
    private final Builder.ChunkCaches chunks;
    private final BuildLog log;
    private final Set<String> toldNotLazy = new HashSet<>();
    private long baseBytesFetched;
    private int mounts;

    StateMounts(BuildCache cache, BlobSource base, Builder.ChunkCaches chunks, BuildLog log) {
        this.cache = cache;
        this.base = base;
        this.chunks = chunks;
        this.log = log;
    }

    MountedImage open(BuildState state) throws IOException {
        MountedImage mounted = MountedImage.open(state.image(), new StateSource(cache.layout(), base), cache.store(),
                chunks.open());
        mounts++;
        List<OpenedLayer> layers = mounted.layers();
        for (int i = 0; i < Math.min(state.baseLayers(), layers.size()); i++) {
            OpenedLayer l = layers.get(i);
            if (l.notLazyReason() != null && toldNotLazy.add(l.descriptor().digest().toString())) {
                log.note("base layer " + (i + 1) + " (" + l.descriptor().digest().shortForm() + ", "
                        + l.descriptor().size() + " bytes) is fetched whole: " + l.notLazyReason());
            }
        }
        return mounted;
    }

    /** Adds what {@code mounted} fetched of the base's layers; call once per mount, before closing it. */
    void tally(MountedImage mounted, BuildState state) {
        List<OpenedLayer> layers = mounted.layers();
        for (int i = 0; i < Math.min(state.baseLayers(), layers.size()); i++) {
            baseBytesFetched += layers.get(i).stats().bytesFetched.get();
        }
    }

    long baseBytesFetched() {
        return baseBytesFetched;
    }

    int mounts() {
        return mounts;
    }

    /** The content of the file at {@code path} in the mounted image (symlinks followed inside it), if it is one. */
    static Optional<byte[]> read(MountedImage mounted, String path) throws IOException {
        Node node;
        try {
            node = RootPaths.resolve(mounted.union(), path, true).node();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (node == null || node.entry().type() != io.strata.fetcher.layer.EntryType.FILE) {
            return Optional.empty();
        }
        if (node.entry().size() > MAX_READ) {
            throw new IOException(path + " in the image is " + node.entry().size() + " bytes, too big to be read");
        }
        byte[] bytes = new byte[(int) node.entry().size()];
        ContentReader reader = mounted.contentReader();
        int done = 0;
        while (done < bytes.length) {
            byte[] piece = new byte[bytes.length - done];
            int n = reader.read(node, done, piece, piece.length);
            if (n <= 0) {
                break;
            }
            System.arraycopy(piece, 0, bytes, done, n);
            done += n;
        }
        return Optional.of(done == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, done));
    }
}
