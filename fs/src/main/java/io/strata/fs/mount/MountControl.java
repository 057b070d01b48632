package io.strata.fs.mount;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The client of a running mount, for {@code strata status DIR} and {@code strata umount DIR}: talks to the mount
 * process over its control socket, and cleans up after a mount whose process is gone.
 */
public final class MountControl {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private MountControl() {
    }

    /**
     * The status JSON of the mount at {@code mountpoint} (pid, image, mountpoint, logFile, startedMillis,
     * uptimeSeconds, plus the filesystem's own fields such as per-layer statistics).
     *
     * @throws MountException when no strata process serves that mount point; the message says what is there instead
     */
    public static String status(Path mountpoint) throws MountException {
        RuntimeDir runtime = RuntimeDir.forMountpoint(mountpoint);
        Optional<String> reply = request(runtime, "status");
        if (reply.isEmpty()) {
            throw notServed(runtime);
        }
        return body(runtime, reply.get());
    }

    /**
     * Unmounts the mount at {@code mountpoint}: asks its process to unmount and waits for it to exit; when no process
     * answers but a FUSE mount is there (alive without control, or dead after a crash), detaches it with
     * {@code fusermount -u -z} / {@code umount -l}. Returns a one-line description of what was done.
     *
     * @throws MountException when nothing is mounted there, or it is not a FUSE mount, or unmounting fails
     */
    public static String unmount(Path mountpoint) throws MountException {
        RuntimeDir runtime = RuntimeDir.forMountpoint(mountpoint);
        Path target = runtime.mountpoint();
        Optional<MountInfo> info = infoOf(runtime);
        Optional<String> reply = request(runtime, "umount");
        if (reply.isPresent()) {
            body(runtime, reply.get());
            // A mount process exits after its unmount; the service stays (its reply came after the unmount).
            info.filter(i -> !Boolean.TRUE.equals(i.service())).map(MountInfo::pid)
                    .filter(p -> p != ProcessHandle.current().pid()).flatMap(ProcessHandle::of)
                    .ifPresent(MountControl::awaitExit);
            return "unmounted " + target;
        }
        Mountpoints.State state = Mountpoints.state(target);
        if (state == Mountpoints.State.DEAD || Mountpoints.fuseMountAt(target).isPresent()) {
            Mountpoints.forceUnmount(target);
            runtime.delete();
            return (state == Mountpoints.State.DEAD ? "cleaned the dead mount at " : "detached the FUSE mount at ")
                    + target;
        }
        runtime.delete();
        if (state == Mountpoints.State.MOUNTED) {
            String type = MountTable.at(target).map(MountTable.Mount::fsType).orElse("unknown");
            throw new MountException(target + " is a " + type + " mount, not a strata one: unmount it with umount "
                    + target);
        }
        throw new MountException("nothing is mounted at " + target);
    }

    /** Whether a process answers on this runtime dir's control socket. */
    static boolean answers(RuntimeDir runtime) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(runtime.controlSocket()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one command; empty when no process listens on the socket (absent, or left by a killed process). */
    private static Optional<String> request(RuntimeDir runtime, String command) throws MountException {
        if (!Files.exists(runtime.controlSocket())) {
            return Optional.empty();
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(runtime.controlSocket()));
        } catch (IOException e) {
            return Optional.empty();
        }
        try (ch) {
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            return Optional.of(new String(readAll(ch), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MountException("the strata process serving " + runtime.mountpoint() + " did not answer \""
                    + command + "\": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        while (ch.read(buf) >= 0) {
            all.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        all.write(buf.array(), 0, buf.position());
        return all.toByteArray();
    }

    /** The body after an {@code OK} line; an {@code ERROR} line becomes an exception. */
    private static String body(RuntimeDir runtime, String reply) throws MountException {
        int nl = reply.indexOf('\n');
        String first = nl < 0 ? reply : reply.substring(0, nl);
        if (first.equals("OK")) {
            return nl < 0 ? "" : reply.substring(nl + 1).trim();
        }
        String reason = first.startsWith("ERROR ") ? first.substring(6) : "unexpected reply \"" + first + "\"";
        throw new MountException("the strata process serving " + runtime.mountpoint() + " failed: " + reason);
    }

    private static MountException notServed(RuntimeDir runtime) {
        Path target = runtime.mountpoint();
        return switch (Mountpoints.state(target)) {
            case DEAD -> new MountException(target + " is a dead FUSE mount (its process is gone): clean it with "
                    + "strata umount " + target);
            case MOUNTED -> new MountException(target + " is mounted but no strata process answers on "
                    + runtime.controlSocket());
            default -> new MountException("nothing is mounted at " + target);
        };
    }

    private static Optional<MountInfo> infoOf(RuntimeDir runtime) {
        try {
            return Optional.of(new ObjectMapper().readValue(runtime.mountJson().toFile(), MountInfo.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(EXIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the mount is gone already; a slow exit is not the caller's failure
        }
    }
}
