package io.strata.bench;

/**
 * The measured cases of {@code strata bench warm}, and the state of the caches each runs in. "Fresh" means every
 * target was just (re)mounted (a new process for the FUSE daemons) and then {@code sync; echo 3 >
 * /proc/sys/vm/drop_caches} emptied the page cache, dentries and inodes; the plain directory gets only the drop.
 */
enum WarmCase {
    SEQ_COLD("seq-cold", "Sequential read, cold page cache", "MB/s",
            "fresh: page cache dropped, so each target reads from its own storage on the disk"),
    SEQ_WARM("seq-warm", "Sequential read, warm page cache", "MB/s",
            "right after seq-cold in the same mount: the bytes were just read once"),
    RANDOM_WARM("random-warm", "Random 4 KiB reads, warm page cache", "reads/s",
            "right after seq-warm in the same mount: every block was read twice"),
    RANDOM_COLD("random-cold", "Random 4 KiB reads, cold page cache", "reads/s",
            "fresh: page cache dropped"),
    WALK_COLD("walk-cold", "find + stat of the whole tree, fresh mount", "entries/s",
            "fresh: dentries, inodes and page cache dropped, FUSE daemons just started"),
    WALK_DROPPED("walk-dropped", "find + stat of the whole tree, kernel caches dropped, mount kept", "entries/s",
            "right after walk-cold: caches dropped again, but the FUSE daemons keep what they learned (and are warm)"),
    WALK_WARM("walk-warm", "find + stat of the whole tree, warm", "entries/s",
            "right after walk-dropped: the kernel's dentries and inodes are cached"),
    LS_COLD("ls-cold", "ls -lR of the whole tree, fresh mount", "entries/s",
            "fresh: dentries, inodes and page cache dropped, FUSE daemons just started"),
    LS_WARM("ls-warm", "ls -lR of the whole tree, warm", "entries/s",
            "right after ls-cold in the same mount");

    private final String id;
    private final String title;
    private final String unit;
    private final String caches;

    WarmCase(String id, String title, String unit, String caches) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.caches = caches;
    }

    String id() {
        return id;
    }

    String title() {
        return title;
    }

    String unit() {
        return unit;
    }

    /** Which caches are warm when the case runs. */
    String caches() {
        return caches;
    }
}
