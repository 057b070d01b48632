package io.strata.fs.fuse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ru.serce.jnrfuse.FuseException;
import ru.serce.jnrfuse.FuseStubFS;

/**
 * A jnr-fuse filesystem whose requests are served on Java threads ({@link WorkerLoop}) instead of the threads
 * libfuse starts and ends itself, each of which jffi attaches to the JVM on its first callback. Everything else
 * (the operations table, {@code umount} by {@code fusermount -u -z}, the shutdown hook) is jnr-fuse's.
 */
public abstract class JavaThreadsFuseFs extends FuseStubFS {

    /**
     * Mounts and serves until unmounted. Only the blocking form exists: jnr-fuse's non-blocking one sleeps two
     * seconds and hides failures ({@code io.strata.fs.mount.FuseMount} runs this in a thread of its own instead).
     */
    @Override
    public void mount(Path mountPoint, boolean blocking, boolean debug, String[] fuseOpts) {
        if (!blocking) {
            throw new UnsupportedOperationException("only the blocking mount is supported; run it in a thread");
        }
        if (!mounted.compareAndSet(false, true)) {
            throw new FuseException("this filesystem is already mounted at " + this.mountPoint);
        }
        this.mountPoint = mountPoint;
        String target = mountPoint.toAbsolutePath().toString();
        List<String> args = new ArrayList<>(List.of(getFSName(), "-f"));
        if (debug) {
            args.add("-d");
        }
        args.addAll(Arrays.asList(fuseOpts));
        args.add(target);
        // As jnr-fuse does: a JVM that exits unmounts (lazily) what it still serves.
        Runtime.getRuntime().addShutdownHook(new Thread(this::umount, "strata-fuse-umount " + target));
        try {
            WorkerLoop.run(fuseOperations, args.toArray(String[]::new), target);
        } catch (RuntimeException | Error e) {
            mounted.set(false);
            throw new FuseException("Unable to mount FS at " + target, e);
        }
    }
}
