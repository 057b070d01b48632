package io.strata.fs.mount;

import io.strata.fs.fuse.FuseFilesystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FuseFilesystem} mounted at a directory. {@link #mount} returns once the kernel has connected (libfuse
 * called {@code init}), or throws with the reason; the libfuse loop runs in its own thread until
 * {@link #unmount()} or an outside {@code umount}.
 *
 * <p>jnr-fuse's non-blocking mount sleeps two seconds and hides failures, so this class runs the blocking mount
 * in its own thread and races {@link FuseFilesystem#initialized()} against that thread's end.
 */
public final class FuseMount implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FuseMount.class);
    private static final Duration UNMOUNT_WAIT = Duration.ofSeconds(5);

    private final FuseFilesystem fs;
    private final Path mountpoint;
    private final CompletableFuture<Void> loopEnded;

    private FuseMount(FuseFilesystem fs, Path mountpoint, CompletableFuture<Void> loopEnded) {
        this.fs = fs;
        this.mountpoint = mountpoint;
        this.loopEnded = loopEnded;
    }

    /**
     * Mounts {@code fs} at {@code mountpoint} and waits until it answers.
     *
     * @throws MountException when FUSE is unusable here, the mount point is missing, not a directory, not empty or
     *                        already mounted, or libfuse fails or does not connect within the ready timeout
     */
    public static FuseMount mount(FuseFilesystem fs, Path mountpoint, MountOptions options) throws MountException {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(options, "options");
        FuseEnvironment.require();
        Path target = Mountpoints.canonical(mountpoint);
        Mountpoints.prepare(target);

        List<String> args = new ArrayList<>(options.fuseArgs());
        CompletableFuture<Void> loopEnded = new CompletableFuture<>();
        Thread loop = new Thread(() -> {
            try {
                fs.mount(target, true, options.debug(), args.toArray(String[]::new));
                loopEnded.complete(null);
            } catch (Throwable t) {
                loopEnded.completeExceptionally(t);
            }
        }, "strata-fuse " + target);
        // A daemon thread: an unmount that cannot finish (files still open) must not keep the JVM alive.
        loop.setDaemon(true);
        loop.start();

        FuseMount mount = new FuseMount(fs, target, loopEnded);
        try {
            CompletableFuture.anyOf(fs.initialized(), loopEnded)
                    .get(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            mount.close();
            throw new MountException("FUSE mount at " + target + " did not answer within " + options.readyTimeout()
                    .toSeconds() + " s (libfuse's messages are on stderr or in the mount log)");
        } catch (ExecutionException e) {
            throw failure(target, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mount.close();
            throw new MountException("interrupted while mounting " + target, e);
        }
        if (!fs.initialized().isDone()) {
            throw failure(target, null);
        }
        LOG.info("mounted at {}", target);
        return mount;
    }

    private static MountException failure(Path target, Throwable cause) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            reason.append(reason.length() == 0 ? "" : ": ").append(t.getMessage());
        }
        return new MountException("FUSE mount at " + target + " failed"
                + (reason.length() > 0 ? " (" + reason + ")" : " (libfuse returned before the kernel connected)")
                + "; libfuse's reason is on stderr or in the mount log", cause);
    }

    /** The canonical mount point. */
    public Path mountpoint() {
        return mountpoint;
    }

    /** Whether the libfuse loop still runs. */
    public boolean isMounted() {
        return !loopEnded.isDone();
    }

    /** Blocks until the mount ends (by {@link #unmount()}, an outside umount, or a signal). */
    public void awaitUnmounted() throws InterruptedException {
        try {
            loopEnded.get();
        } catch (ExecutionException e) {
            LOG.warn("FUSE loop for {} ended with an error", mountpoint, e.getCause());
        }
    }

    /**
     * Unmounts and waits for the libfuse loop to end. Lazy ({@code -z}): if a process still has files open below the
     * mount point, the mount disappears from the tree now and the loop ends when they are closed. Idempotent.
     */
    public synchronized void unmount() throws MountException {
        if (loopEnded.isDone()) {
            return;
        }
        // jnr-fuse's umount clears its "mounted" flag (so its own shutdown hook stays quiet) and runs
        // fusermount -u -z without waiting; the loop ends once the kernel drops the connection.
        fs.umount();
        if (awaitLoop(UNMOUNT_WAIT)) {
            LOG.info("unmounted {}", mountpoint);
            return;
        }
        if (MountTable.at(mountpoint).isPresent()) {
            Mountpoints.forceUnmount(mountpoint);
        }
        if (!awaitLoop(UNMOUNT_WAIT)) {
            LOG.warn("{} is detached but files below it are still open; the FUSE loop ends when they are closed",
                    mountpoint);
        }
    }

    private boolean awaitLoop(Duration timeout) {
        try {
            loopEnded.handle((v, t) -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@link #unmount()}, logging instead of throwing. */
    @Override
    public void close() {
        try {
            unmount();
        } catch (MountException e) {
            LOG.error("unmounting {} failed: {}", mountpoint, e.getMessage());
        }
    }
}
