package io.strata.fs.fuse;

import io.strata.fetcher.layer.EntryReader;
import io.strata.fs.union.Node;
import java.io.IOException;
import java.util.List;

/**
 * Produces the content bytes of a regular-file node; the seam between the FUSE binding and the fetcher.
 */
@FunctionalInterface
public interface ContentReader {

    /**
     * Reads up to {@code length} bytes of {@code node}'s content at {@code offset} into {@code dst[0..]}. Returns
     * the number of bytes read: less than {@code length} only at the end of the file.
     *
     * @throws IOException when the bytes cannot be produced or fail verification (the read fails with EIO)
     */
    int read(Node node, long offset, byte[] dst, int length) throws IOException;

    /**
     * A reader that dispatches each node to the {@link EntryReader} of the layer that holds its content.
     *
     * @param readersBottomToTop one reader per layer, indexed like {@link Node#layer()} (0 is the base layer)
     */
    static ContentReader ofLayers(List<EntryReader> readersBottomToTop) {
        List<EntryReader> readers = List.copyOf(readersBottomToTop);
        return (node, offset, dst, length) -> {
            int layer = node.layer();
            if (layer < 0 || layer >= readers.size()) {
                throw new IOException("node " + node.entry().path() + " names layer " + layer + " but the image has "
                        + readers.size() + " layers");
            }
            return readers.get(layer).read(node.entry(), offset, dst, 0, length);
        };
    }
}
