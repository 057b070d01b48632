package io.strata.fs.cli;

import io.strata.fetcher.image.ImageRef;
import io.strata.fs.fuse.StrataFs;
import io.strata.fs.image.MountedImage;
import io.strata.fs.mount.FuseMount;
import io.strata.fs.mount.MountOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strata record IMAGE --output PROFILE -- CMD [ARGS...]}: mounts the image in this process on a temporary
 * directory, runs CMD in a {@code chroot} of it, and writes the regular files CMD opened, in the order they were
 * first opened, as a profile for {@code strata convert --prioritize} and {@code strata mount --prefetch-profile}.
 * The mount is always removed before the command returns. Exits with CMD's exit status (the profile is written
 * whatever CMD's status: a failing startup still shows what it needed).
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Run CMD in a chroot of the mounted image (as root) and write the files it opens, in"
                + " first-open order, to a profile for 'strata convert --prioritize' and 'strata mount"
                + " --prefetch-profile'. Put -- before CMD.")
final class RecordCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG]")
    String image;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "the command and its arguments")
    List<String> command = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PROFILE", description = "where to write the profile")
    Path output;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @Override
    public Integer call() throws Exception {
        ImageRef ref = ImageRef.parse(image);
        Path out = output.toAbsolutePath();
        if (!Files.isDirectory(out.getParent())) {
            throw new IllegalArgumentException("--output " + output + ": directory " + out.getParent() + " does not exist");
        }
        if (!isRoot()) {
            throw new IllegalStateException("strata record runs the command in a chroot: run it as root");
        }
        Set<String> opened = Collections.synchronizedSet(new LinkedHashSet<>());
        Path dir = Files.createTempDirectory("strata-record-");
        int exit;
        String manifest;
        try (MountedImage mounted = MountedImage.open(ref, sourceFlags.toOptions(), cacheFlags.open(),
                cacheFlags.openChunks(), false)) {
            manifest = mounted.image().manifestDigest().toString();
            StrataFs fs = StrataFs.create(mounted.tree(), mounted.contentReader());
            fs.setOpenListener(path -> {
                if (path.indexOf('\n') < 0 && path.indexOf('\r') < 0) { // a profile has one path per line
                    opened.add(path);
                }
            });
            try (FuseMount mount = FuseMount.mount(fs, dir, MountOptions.defaults())) {
                exit = runChrooted(mount.mountpoint());
            }
        } finally {
            Files.deleteIfExists(dir);
        }
        List<String> paths;
        synchronized (opened) {
            paths = List.copyOf(opened);
        }
        PrefetchProfiles.write(out, "strata profile of " + ref + " (manifest " + manifest + "), command: "
                + String.join(" ", command), paths);
        System.out.printf("recorded %d files opened by %s to %s%n", paths.size(), command.get(0), out);
        if (exit != 0) {
            System.err.printf("strata record: %s exited with status %d (the profile was written anyway)%n",
                    command.get(0), exit);
        }
        return exit;
    }

    private int runChrooted(Path root) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("chroot", root.toString()));
        argv.addAll(command);
        Process p = new ProcessBuilder(argv).inheritIO().start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy(); // leave nothing running inside a mount that is about to go
            throw e;
        }
    }

    /** The effective uid is the owner of {@code /proc/self}; no native call needed. */
    private static boolean isRoot() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }
}
