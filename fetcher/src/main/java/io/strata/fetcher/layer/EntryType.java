package io.strata.fetcher.layer;

/** The kind of a tar entry, after GNU/PAX extensions are folded in. */
public enum EntryType {
    FILE, DIRECTORY, SYMLINK,
    /** A hard link: {@link Entry#linkTarget()} names an earlier entry of the same layer. */
    HARDLINK,
    CHAR_DEVICE, BLOCK_DEVICE, FIFO
}
