package io.strata.bench.coldstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code strata mount} of the image in one {@link Format} with one state of the cache, then the workload in a chroot
 * of the mount point.
 *
 * @param name        the mode's name
 * @param description for the report
 * @param format      which form of the image is mounted
 * @param cache       what the cache holds when the run starts
 */
record StrataMode(String name, String description, Format format, Cache cache) implements Mode {

    /** The cache when a run starts. */
    enum Cache {
        /**
         * A new, empty cache directory per run. ({@code strata cache clear} would not do: it keeps the eStargz TOCs
         * and gzip checkpoints, so a "cold" run would start with the indexes.)
         */
        COLD,
        /** Filled once by a mount of the plain image (every layer fetched whole): nothing left to fetch. */
        WARM,
        /**
         * Filled once like WARM, then every chunk evicted before each run ({@code strata cache prune --max-size 0}):
         * only the file tables and gzip checkpoints this host kept when it fetched the layers whole.
         */
        KEPT_INDEX
    }

    private static final String FILLED = "bench-filled";

    @Override
    public Set<Format> needs() {
        return EnumSet.of(Format.PLAIN, format);
    }

    @Override
    public void prepareImage(RunContext ctx) throws IOException {
        if (cache != Cache.COLD) {
            fill(ctx, cacheDir(ctx));
        }
    }

    @Override
    public Session open(RunContext ctx) throws IOException {
        Path cacheDir = cacheDir(ctx);
        switch (cache) {
            case COLD -> {
                ImageBuilder.deleteTree(cacheDir);
                Files.createDirectories(cacheDir);
            }
            case WARM -> requireFilled(cacheDir);
            case KEPT_INDEX -> {
                requireFilled(cacheDir);
                ctx.strata().check("cache", "prune", "--max-size", "0", "--cache-dir", cacheDir.toString());
            }
        }
        Files.createDirectories(ctx.mountpoint());
        List<String> mount = new ArrayList<>(List.of("mount", "--cache-dir", cacheDir.toString()));
        if (format == Format.INDEXED) {
            mount.add("--trust-published-index");
        }
        mount.add(ctx.image().ref(ctx.linkHost(), format, ctx.workload()));
        mount.add(ctx.mountpoint().toString());
        return new Session() {
            private boolean mounted;

            @Override
            public Path start() throws IOException {
                ctx.strata().check(mount.toArray(String[]::new));
                mounted = true;
                return ctx.mountpoint();
            }

            @Override
            public void close() throws IOException {
                if (mounted) {
                    unmount(ctx);
                }
            }
        };
    }

    private Path cacheDir(RunContext ctx) {
        return ctx.workDir().resolve("cache-" + switch (cache) {
            case COLD -> name;
            case WARM -> "warm";
            case KEPT_INDEX -> "kept-index";
        });
    }

    /**
     * Copies into {@code cacheDir} a cache filled by one mount of the plain image with an empty cache (from the
     * registry directly: untimed), made once per image and shared by the modes that start from a filled cache.
     */
    private static void fill(RunContext ctx, Path cacheDir) throws IOException {
        Path filled = ctx.workDir().resolve("cache-filled");
        if (!Files.exists(filled.resolve(FILLED))) {
            ImageBuilder.deleteTree(filled);
            Files.createDirectories(filled);
            Files.createDirectories(ctx.mountpoint());
            ctx.strata().check("mount", "--cache-dir", filled.toString(),
                    ctx.image().ref(ctx.directHost(), Format.PLAIN, ctx.workload()), ctx.mountpoint().toString());
            unmount(ctx);
            Files.createFile(filled.resolve(FILLED));
        }
        ImageBuilder.deleteTree(cacheDir);
        ctx.proc().check(List.of("cp", "-a", filled.toString(), cacheDir.toString()), Duration.ofMinutes(30));
    }

    private void requireFilled(Path cacheDir) {
        if (!Files.exists(cacheDir.resolve(FILLED))) {
            throw new IllegalStateException("mode " + name + " runs before its cache was filled (prepareImage)");
        }
    }

    /** {@code strata umount}; if that fails, a lazy unmount so that no mount outlives the benchmark. */
    static void unmount(RunContext ctx) throws IOException {
        Proc.Result r = ctx.strata().run("umount", ctx.mountpoint().toString());
        if (!r.ok()) {
            ctx.proc().run(List.of("umount", "-l", ctx.mountpoint().toString()), Duration.ofSeconds(30));
            throw new IOException("strata umount " + ctx.mountpoint() + " failed (lazily unmounted instead): "
                    + Proc.tail(r.output()));
        }
    }
}
