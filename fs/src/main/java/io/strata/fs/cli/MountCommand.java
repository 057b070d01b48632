package io.strata.fs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.cache.chunk.CacheConfig;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.source.SourceOptions;
import io.strata.fs.fuse.FuseFilesystem;
import io.strata.fs.fuse.StrataFs;
import io.strata.fs.image.MountedImage;
import io.strata.fs.mount.MountDaemon;
import io.strata.fs.mount.MountOptions;
import io.strata.fs.mount.MountException;
import io.strata.fs.mount.MountReadiness;
import io.strata.fs.mount.MountRunner;
import io.strata.fs.service.MountService;
import io.strata.fs.prefetch.PrefetchMode;
import io.strata.fs.writable.UpperDirectory;
import io.strata.fs.writable.WritableFs;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata mount IMAGE DIR}. Without {@code --foreground} it returns once the mount answers (or exits 2 with
 * the reason): when the resident service runs ({@code strata service start}), the service serves the mount in one
 * of its threads; otherwise this command starts itself again detached (with {@code --foreground}, logging to a
 * file). With {@code --foreground} it serves the mount until unmounted.
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = "Mount an image at DIR, read-only or (--writable) with changes kept in an upper directory;"
                + " returns once the mount answers.")
final class MountCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "HOST[:PORT]/NAME[:TAG][@DIGEST] or oci:PATH[:TAG]")
    String image;

    @Parameters(index = "1", paramLabel = "DIR", description = "an existing, empty directory")
    Path mountpoint;

    @Option(names = "--foreground", description = "Stay attached and log to stderr until unmounted.")
    boolean foreground;

    @Option(names = "--no-service",
            description = "Mount in a process of its own even when the strata service runs (strata service start).")
    boolean noService;

    @Option(names = "--writable", description = "Mount read-write: files are copied up on change into an upper"
            + " directory (OCI whiteouts for deletions), the image stays as it is.")
    boolean writable;

    @Option(names = "--upper", paramLabel = "UPPER",
            description = "Where a --writable mount keeps its changes (default: <cache dir>/../strata-containers/<hash"
                    + " of DIR>, shown by strata status); a later mount with the same UPPER continues them.")
    Path upper;

    @Option(names = "--allow-other", description = "Let other users than the mounting one see the files.")
    boolean allowOther;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800",
            description = "How long to wait for the layers to be indexed and the mount to answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--trust-published-index",
            description = "Use a lazy index published next to the image by strata index (trusted like whoever can push"
                    + " to the repository; the cache keeps using it once imported).")
    boolean trustPublishedIndex;

    @Option(names = "--fuse-debug", hidden = true, description = "libfuse debug output (very verbose).")
    boolean fuseDebug;

    @Option(names = "--prefetch", paramLabel = "MODE", defaultValue = "prioritized",
            description = "What to fetch in the background once mounted: none, prioritized (the eStargz prioritized"
                    + " files, or those of --prefetch-profile) or all (then every file). Default: ${DEFAULT-VALUE}.")
    String prefetch;

    @Option(names = "--prefetch-profile", paramLabel = "FILE",
            description = "A profile from strata record (one path per line): prefetch these files first.")
    Path prefetchProfile;

    @Mixin
    SourceFlags sourceFlags;

    @Mixin
    CacheFlags cacheFlags;

    @ParentCommand
    StrataCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path cwd = parent.workingDirectory();
        ImageRef ref = resolveLayout(ImageRef.parse(image), cwd);
        sourceFlags.resolveAgainst(cwd);
        cacheFlags.resolveAgainst(cwd);
        SourceOptions sourceOptions = sourceFlags.toOptions();
        Path dir = cwd.resolve(mountpoint).normalize();
        if (cacheFlags.maxSize != null) {
            CacheConfig.parseSize(CacheConfig.MAX_SIZE_FLAG, cacheFlags.maxSize); // a bad size is a usage error, now
        }
        PrefetchMode prefetchMode = PrefetchMode.parse("--prefetch", prefetch);
        List<String> profile = prefetchProfile == null ? null : PrefetchProfiles.read(cwd.resolve(prefetchProfile));
        if (profile != null && prefetchMode == PrefetchMode.NONE) {
            throw new IllegalArgumentException("--prefetch-profile needs --prefetch prioritized or all, not none");
        }
        if (upper != null && !writable) {
            throw new IllegalArgumentException("--upper " + upper + " needs --writable (a read-only mount changes nothing)");
        }
        Served served = new Served(ref, dir, sourceOptions, prefetchMode, profile);
        if (foreground) {
            serve(served, MountDaemon.parentReadiness(), false);
            return 0;
        }
        Optional<MountService> service = MountService.running();
        if (service.isPresent()) {
            return mountInService(service.get(), served);
        }
        MountDaemon.Spawned child = MountDaemon.spawnAndWait(childCommand(), dir, Duration.ofSeconds(timeoutSeconds));
        spec.commandLine().getOut().printf("mounted %s at %s (pid %d, log %s)%n", ref, dir, child.pid(),
                child.logFile());
        return 0;
    }

    /** What to serve, resolved against the caller's working directory. */
    private record Served(ImageRef ref, Path dir, SourceOptions sourceOptions, PrefetchMode prefetchMode,
                          List<String> profile) {
    }

    /** Inside the resident service: serve the mount in a thread of this JVM and return once it answers. */
    private int mountInService(MountService service, Served served) throws Exception {
        MountDaemon.precheck(served.dir());
        CompletableFuture<Void> ready = new CompletableFuture<>();
        MountReadiness readiness = MountReadiness.completing(ready);
        service.startMount(served.dir(), served.ref().toString(), () -> {
            try {
                serve(served, readiness, true);
            } catch (Exception | Error e) {
                readiness.failed(StrataCommand.describe(e)); // no effect when serve() reported it already
                throw e;
            }
            return null;
        });
        try {
            ready.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new MountException("the mount at " + served.dir() + " was not ready within " + timeoutSeconds
                    + " s; the strata service goes on trying: strata umount " + served.dir() + " stops it");
        }
        spec.commandLine().getOut().printf("mounted %s at %s (strata service pid %d, log %s)%n", served.ref(),
                served.dir(), ProcessHandle.current().pid(), MountService.logFile());
        return 0;
    }

    /** Serves the mount until it is unmounted, telling {@code readiness} when it answers or why it cannot. */
    private void serve(Served served, MountReadiness readiness, boolean inService) throws Exception {
        MountOptions options = MountOptions.defaults().withAllowOther(allowOther).withDebug(fuseDebug)
                .withWritable(writable);
        MountedImage mounted;
        try {
            mounted = MountedImage.open(served.ref(), served.sourceOptions(), cacheFlags.open(),
                    cacheFlags.openChunks(), trustPublishedIndex);
        } catch (Exception e) {
            readiness.failed(StrataCommand.describe(e));
            throw e;
        }
        try (mounted; UpperDirectory upperDir = writable ? openUpper(mounted, served.dir(), readiness) : null) {
            FuseFilesystem fs = upperDir == null ? StrataFs.create(mounted.tree(), mounted.contentReader())
                    : WritableFs.create(mounted.tree(), mounted.contentReader(), upperDir);
            // Only once the mount answers: prefetch must not delay the mount, only use the time after it.
            fs.initialized().thenRun(() -> mounted.startPrefetch(served.prefetchMode(), served.profile()));
            ObjectMapper json = new ObjectMapper();
            String logFile = System.getenv(MountDaemon.LOG_FILE_ENV);
            MountRunner.serve(fs, served.dir(), options, served.ref().toString(), () -> {
                try {
                    return json.writeValueAsString(mounted.status(served.dir().toString(), logFile)
                            .withUpperDirectory(upperDir == null ? null : upperDir.directory().toString()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
            }, readiness, inService);
        }
    }

    /** An {@code oci:} reference with a relative layout path, made absolute against {@code cwd}. */
    private static ImageRef resolveLayout(ImageRef ref, Path cwd) {
        if (!ref.isLayout() || ref.layoutPath().isAbsolute()) {
            return ref;
        }
        return new ImageRef(null, null, cwd.resolve(ref.layoutPath()).normalize(), ref.tag(), ref.digest());
    }

    /** The upper directory of a writable mount (locked until closed); a failure is told to {@code readiness}. */
    private UpperDirectory openUpper(MountedImage mounted, Path dir, MountReadiness readiness) throws Exception {
        Path where = upper != null ? parent.workingDirectory().resolve(upper)
                : UpperDirectory.defaultFor(cacheFlags.directory(), dir);
        try {
            return UpperDirectory.open(where, image, mounted.image().manifestDigest());
        } catch (Exception | LinkageError e) {
            readiness.failed(StrataCommand.describe(e));
            throw e;
        }
    }

    /** This same command line with {@code --foreground} added, for the detached child. */
    private List<String> childCommand() {
        List<String> args = new ArrayList<>(List.of("mount", "--foreground", "--timeout", String.valueOf(timeoutSeconds),
                "--platform", sourceFlags.platform, "--cache-dir", cacheFlags.directory().toString()));
        if (cacheFlags.maxSize != null) {
            args.addAll(List.of("--cache-max-size", cacheFlags.maxSize));
        }
        for (String host : sourceFlags.insecureRegistries) {
            args.addAll(List.of("--insecure-registry", host));
        }
        if (sourceFlags.authFile != null) {
            args.addAll(List.of("--auth-file", sourceFlags.authFile.toAbsolutePath().toString()));
        }
        if (allowOther) {
            args.add("--allow-other");
        }
        if (trustPublishedIndex) {
            args.add("--trust-published-index");
        }
        if (writable) {
            args.add("--writable");
        }
        if (upper != null) {
            args.addAll(List.of("--upper", parent.workingDirectory().resolve(upper).toString()));
        }
        args.addAll(List.of("--prefetch", prefetch));
        if (prefetchProfile != null) {
            args.addAll(List.of("--prefetch-profile", prefetchProfile.toAbsolutePath().toString()));
        }
        if (fuseDebug) {
            args.add("--fuse-debug");
        }
        args.add(image);
        args.add(parent.workingDirectory().resolve(mountpoint).toString());
        return MountDaemon.javaCommand(StrataCommand.class.getName(), args);
    }
}
