package io.strata.fs.build;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a RUN command chrooted into the mounted image, the way a container runtime would at its simplest:
 * <pre>
 * unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh -c '
 *     mount -t proc proc ROOT/proc; mount --rbind /dev ROOT/dev; mount --rbind /sys ROOT/sys
 *     mount --bind COPY_OF_HOST_RESOLV_CONF ROOT/etc/resolv.conf
 *     exec unshare --root=ROOT --wd=WORKDIR -- ARGV'
 * </pre>
 * The mounts live in a private mount namespace that disappears with the command, so nothing is left mounted on the
 * host and nothing needs unmounting, whatever happens; the command is PID 1 of its own PID namespace, so whatever it
 * started is killed when it ends (and when this JVM kills {@code unshare}). A mount point the image lacks
 * ({@code /proc}, {@code /dev}, {@code /sys}) is skipped rather than created, so that the layer does not get it;
 * {@code /etc/resolv.conf} is bound over only when the image has it as a regular file (a symlink there would lead
 * out of the image). The environment is the image's, nothing of the host's. Not isolation: host network, host
 * devices, root.
 */
final class ChrootRun {

    private static final String SCRIPT = """
            set -e
            r="$1"; wd="$2"; what="$3"; resolv="$4"; shift 4
            case "$what" in *p*) MOUNT -t proc proc "$r/proc" ;; esac
            case "$what" in *d*) MOUNT --rbind /dev "$r/dev" ;; esac
            case "$what" in *s*) MOUNT --rbind /sys "$r/sys" ;; esac
            if [ -n "$resolv" ]; then MOUNT --bind "$resolv" "$r/etc/resolv.conf"; fi
            exec UNSHARE --root="$r" --wd="$wd" -- "$@"
            """;

    private ChrootRun() {
    }

    /**
     * Runs {@code argv} in {@code root} with working directory {@code workdir} (absolute, inside the image) and
     * environment {@code env}; its output goes to this process's stdout and stderr, its stdin is empty.
     *
     * @param scratch a directory of this build for the copy of the host's resolv.conf
     * @return the command's exit status (128 + N when killed by signal N)
     */
    static int run(Path root, String workdir, List<String> argv, Map<String, String> env, Path scratch)
            throws IOException, InterruptedException {
        String unshare = hostTool("unshare");
        String mount = hostTool("mount");
        StringBuilder what = new StringBuilder();
        what.append(isDirectory(root.resolve("proc")) ? "p" : "");
        what.append(isDirectory(root.resolve("dev")) ? "d" : "");
        what.append(isDirectory(root.resolve("sys")) ? "s" : "");
        String resolv = "";
        Path hostResolv = Path.of("/etc/resolv.conf");
        if (Files.isRegularFile(root.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS)
                && Files.isReadable(hostResolv)) {
            Path copy = scratch.resolve("resolv.conf");
            Files.write(copy, Files.readAllBytes(hostResolv)); // a copy: what the command writes stays here
            resolv = copy.toString();
        }
        List<String> command = new ArrayList<>(List.of(unshare, "--mount", "--propagation", "private", "--pid",
                "--fork", "--kill-child", "--", "/bin/sh", "-c",
                SCRIPT.replace("MOUNT", mount).replace("UNSHARE", unshare), "strata-run", root.toString(), workdir,
                what.toString(), resolv));
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy(); // unshare dies, its child is killed (--kill-child), and with it the PID namespace
            throw e;
        }
    }

    /** Whether this process runs as root (the owner of {@code /proc/self}; no native call needed). */
    static boolean isRoot() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }

    private static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** The absolute path of a host command, from this process's PATH (and the usual sbin directories). */
    private static String hostTool(String name) throws IOException {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && p.toString().matches("[A-Za-z0-9/._+-]+")) {
                return p.toString();
            }
        }
        throw new IOException("RUN needs the host command '" + name + "' (util-linux): apt-get install util-linux");
    }
}
