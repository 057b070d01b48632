package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Drops the kernel's caches, and notices when another process does. {@code drop_caches} is global: on a shared
 * machine another benchmark that drops them between two steps of a warm case would make it cold without a trace.
 * The kernel counts every drop in /proc/vmstat ({@code drop_pagecache}, {@code drop_slab}, Linux 4.13+); those that
 * are not ours are foreign.
 */
final class CacheDrops {

    private static final Path VMSTAT = Path.of("/proc/vmstat");

    private final long start;
    private long own;

    /** Starts counting now. */
    CacheDrops() throws IOException {
        start = kernelCount();
    }

    /** {@code sync; echo 3 > /proc/sys/vm/drop_caches}: the clean page cache, dentries and inodes (man 5 proc). */
    void drop() throws IOException {
        Exec.run(600, List.of("sync"));
        try {
            Files.writeString(Harness.DROP_CACHES, "3\n");
        } catch (IOException e) {
            throw new IOException("cannot drop the caches through " + Harness.DROP_CACHES + " (" + e + "); run as root", e);
        }
        own += 2; // "3" is counted once as drop_pagecache and once as drop_slab
    }

    /** Drops by other processes since this object was made; 0 on a kernel that does not count them. */
    long foreign() throws IOException {
        long now = kernelCount();
        return now < 0 ? 0 : now - start - own;
    }

    /** Whether the kernel counts drops (otherwise foreign ones go unnoticed). */
    boolean counted() {
        return start >= 0;
    }

    /** drop_pagecache + drop_slab of /proc/vmstat, or -1 if they are not there. */
    private static long kernelCount() throws IOException {
        long sum = 0;
        int found = 0;
        for (String line : Files.readAllLines(VMSTAT)) {
            if (line.startsWith("drop_pagecache ") || line.startsWith("drop_slab ")) {
                sum += Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
                found++;
            }
        }
        return found == 2 ? sum : -1;
    }
}
