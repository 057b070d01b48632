package io.strata.fs.writable;

import io.strata.fs.union.Whiteouts;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * What one directory of {@code upper/} holds, as far as the merged view cares: its entries (whiteout files
 * excluded), the lower names its whiteout files hide, and whether it is opaque. Read from disk once, then kept in
 * step with every change; mutated only under the overlay's write lock.
 */
final class DirState {

    /** Names present in the upper directory (reserved names excluded), each mapped to whether it is a directory. */
    final Map<String, Boolean> entries = new HashMap<>();
    /** Names of lower layers hidden by a whiteout file {@code .wh.NAME} in this directory. */
    final Set<String> whiteouts = new HashSet<>();
    /** Whether {@code .wh..wh..opq} is here: no child of the lower layers shows. */
    boolean opaque;

    /** A directory just made: empty, or holding only its opaque marker. */
    static DirState fresh(boolean opaque) {
        DirState s = new DirState();
        s.opaque = opaque;
        return s;
    }

    /** Lists the host directory {@code hostDir}. */
    static DirState load(String hostDir) throws IOException {
        DirState s = new DirState();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(Path.of(hostDir))) {
            for (Path p : names) {
                String name = p.getFileName().toString();
                if (name.equals(Whiteouts.OPAQUE)) {
                    s.opaque = true;
                } else if (Whiteouts.isReserved(name)) {
                    String hidden = Whiteouts.hiddenBy(name);
                    if (hidden != null) {
                        s.whiteouts.add(hidden);
                    }
                } else {
                    FileStat st = HostFs.lstatOrNull(hostDir + "/" + name);
                    if (st != null) {
                        s.entries.put(name, (st.st_mode.intValue() & FileStat.S_IFMT) == FileStat.S_IFDIR);
                    }
                }
            }
        }
        return s;
    }
}
