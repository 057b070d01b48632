package io.strata.fetcher.layer;

import java.io.IOException;
import java.util.Optional;

/**
 * One way of serving a layer: eStargz (its TOC), a Strata gzip checkpoint index, or the whole layer fetched once.
 * {@link LayerOpener} asks each format in turn; the first that can serve the layer opens it.
 */
public interface LayerFormat {

    /** What {@code strata status} and {@code strata inspect} call it: {@code estargz}, {@code indexed-gzip}, {@code whole}. */
    String name();

    /**
     * Opens the layer if this format can serve it (the layer is in this format, or the index this format needs
     * exists), else returns empty so that the next format is tried. Throws only when the layer claims this format
     * and is broken (a TOC that fails verification, say): a broken layer is an error, never a silent fallback.
     */
    Optional<OpenedLayer> open(LayerContext context) throws IOException;
}
