package io.strata.fs.fuse;

import io.strata.fetcher.layer.Entry;
import ru.serce.jnrfuse.struct.FuseContext;

/**
 * The classic owner/group/other check behind {@code access(2)}. The kernel only asks when the mount lacks
 * {@code default_permissions} (strata mounts with it, so this is a fallback); supplementary groups are not
 * visible through libfuse 2's context, so only the primary group counts.
 */
final class Permissions {

    private Permissions() {
    }

    /** Whether the caller of {@code context} may read/execute ({@code mask} of R_OK=4, X_OK=1) {@code entry}. */
    static boolean allows(Entry entry, FuseContext context, int mask) {
        if (mask == 0) {
            return true;
        }
        long uid = context.uid.get();
        long gid = context.gid.get();
        int mode = entry.mode();
        if (uid == 0) {
            // root reads anything and executes what anyone may execute (or any directory).
            return (mask & 1) == 0 || (mode & 0111) != 0 || entry.type() == io.strata.fetcher.layer.EntryType.DIRECTORY;
        }
        int granted = uid == entry.uid() ? (mode >> 6) & 7 : gid == entry.gid() ? (mode >> 3) & 7 : mode & 7;
        return (granted & mask) == mask;
    }
}
