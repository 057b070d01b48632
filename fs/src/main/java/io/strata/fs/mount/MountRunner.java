package io.strata.fs.mount;

import io.strata.fs.fuse.FuseFilesystem;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one mount in the foreground until it is unmounted: what {@code strata mount --foreground} runs, and what
 * the detached process started by {@link MountDaemon} runs. Mounts, starts the {@link ControlServer}, reports
 * readiness to a spawning parent, unmounts cleanly on SIGTERM/SIGINT (shutdown hook), and removes the runtime
 * directory on the way out.
 */
public final class MountRunner {

    private static final Logger LOG = LoggerFactory.getLogger(MountRunner.class);

    private MountRunner() {
    }

    /**
     * Mounts {@code fs} at {@code mountpoint} and blocks until it is unmounted ({@code strata umount}, a signal, or an
     * outside {@code umount}). Returns normally after a clean unmount (exit 0).
     *
     * @param image  the image reference, for {@code mount.json} and {@code strata status}
     * @param status the filesystem's status as a JSON object, computed on each {@code strata status}
     * @throws MountException when mounting fails; a spawning parent has been told the reason already
     */
    public static void serve(FuseFilesystem fs, Path mountpoint, MountOptions options, String image,
                             Supplier<String> status) throws MountException {
        serve(fs, mountpoint, options, image, status, MountDaemon.parentReadiness(), false);
    }

    /**
     * As {@link #serve(FuseFilesystem, Path, MountOptions, String, Supplier)}, telling {@code readiness} instead of a
     * spawning parent.
     *
     * @param inService whether this process is the resident service, which serves many mounts and outlives this
     *                  one: {@code strata umount} then waits for the mount, not for the process, to end
     */
    public static void serve(FuseFilesystem fs, Path mountpoint, MountOptions options, String image,
                             Supplier<String> status, MountReadiness readiness, boolean inService)
            throws MountException {
        FuseMount mount;
        ControlServer control;
        try {
            mount = FuseMount.mount(fs, mountpoint, options);
        } catch (MountException | RuntimeException e) {
            readiness.failed(e.getMessage());
            throw e;
        }
        try {
            RuntimeDir runtime = RuntimeDir.forMountpoint(mount.mountpoint());
            MountInfo info = new MountInfo(ProcessHandle.current().pid(), image, mount.mountpoint().toString(),
                    System.getenv(MountDaemon.LOG_FILE_ENV), System.currentTimeMillis(), inService ? Boolean.TRUE : null);
            control = ControlServer.start(runtime, info, status, () -> {
                mount.unmount();
                return null;
            });
        } catch (Exception e) {
            mount.close();
            readiness.failed("cannot start the control socket: " + e.getMessage());
            throw e instanceof MountException me ? me
                    : new MountException("cannot start the control socket for " + mountpoint + ": " + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> {
            LOG.info("signalled: unmounting {}", mount.mountpoint());
            mount.close();
            control.close();
        }, "strata-unmount-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        readiness.ready();
        try {
            mount.awaitUnmounted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mount.close();
        } finally {
            control.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and does the same
            }
        }
        LOG.info("{} unmounted; exiting", mount.mountpoint());
    }
}
