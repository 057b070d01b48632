package io.strata.fs.cli;

import io.strata.cache.chunk.CacheAdmin;
import io.strata.cache.chunk.CacheConfig;
import io.strata.cache.chunk.CacheStats;
import io.strata.cache.chunk.ChunkCaches;
import io.strata.fetcher.layer.LayerOpener;
import io.strata.fs.build.Builder;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code strata cache stats|verify|prune|clear}: look after the cache directory, safely while mounts use it. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Inspect and maintain the cache directory (safe while mounts use it).",
        subcommands = {CacheCommand.Stats.class, CacheCommand.Verify.class, CacheCommand.Prune.class,
                CacheCommand.Clear.class})
final class CacheCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: stats, verify, prune or clear");
    }

    /** Opens the admin of the chosen cache directory and runs one action on it. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        CacheFlags cacheFlags;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isDirectory(cacheFlags.directory())) {
                throw new java.io.FileNotFoundException("no cache at " + cacheFlags.directory()
                        + " (choose one with --cache-dir or STRATA_CACHE_DIR)");
            }
            try (CacheAdmin admin = ChunkCaches.admin(cacheFlags.directory())) {
                System.out.print(run(admin));
            }
            return 0;
        }

        abstract String run(CacheAdmin admin) throws Exception;
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Size, entries, hits and misses, bytes fetched vs served.")
    static final class Stats extends Action {
        @Override
        String run(CacheAdmin admin) throws Exception {
            CacheAdmin.Summary s = admin.stats();
            CacheStats c = s.counters();
            return String.format(Locale.ROOT, """
                    directory   %s
                    size        %s in %d chunks
                    hits        %d (memory %d, disk %d), misses %d, hit ratio %s
                    fetched     %s (loaded into the cache)
                    served      %s of chunk data to readers (a chunk counts whole at each read of it)
                    failures    %d loads failed
                    """, s.directory(), Sizes.human(s.sizeBytes()), s.entries(), c.hits(), c.memoryHits(), c.diskHits(),
                    c.misses(), Sizes.percent(c.hits(), c.hits() + c.misses()), Sizes.human(c.bytesLoaded()),
                    Sizes.human(c.bytesServed()), c.loadFailures());
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-hash every chunk; remove the bad ones.")
    static final class Verify extends Action {
        @Override
        String run(CacheAdmin admin) throws Exception {
            CacheAdmin.VerifyResult r = admin.verify();
            int spools = cacheFlags.open().cleanTemp();
            return String.format(Locale.ROOT, "checked %d chunks (%s): %d bad and removed, %d stale temp files removed%n",
                    r.checked(), Sizes.human(r.bytesChecked()), r.removed(), r.tempFilesRemoved() + spools);
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, description = "Evict least recently used chunks down to a size.")
    static final class Prune extends Action {
        @Option(names = "--max-size", paramLabel = "SIZE", required = true, description = "e.g. 512M, 10G")
        String maxSize;

        @Override
        String run(CacheAdmin admin) throws Exception {
            CacheAdmin.PruneResult r = admin.prune(CacheConfig.parseSize("--max-size", maxSize));
            return String.format(Locale.ROOT, "removed %d chunks (%s); %d chunks (%s) remain%n", r.removedEntries(),
                    Sizes.human(r.removedBytes()), r.remainingEntries(), Sizes.human(r.remainingBytes()));
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove every chunk, layer index (file tables, gzip checkpoints, eStargz TOCs) and strata build"
            + " layer cache entry (statistics are kept).")
    static final class Clear extends Action {
        @Override
        String run(CacheAdmin admin) throws Exception {
            CacheAdmin.PruneResult r = admin.clear();
            int indexes = 0;
            for (String namespace : LayerOpener.INDEX_NAMESPACES) {
                indexes += cacheFlags.open().deleteAll(namespace);
            }
            int steps = Builder.clearCache(cacheFlags.directory());
            return String.format(Locale.ROOT, "removed %d chunks (%s), %d layer index files and %d build steps%n",
                    r.removedEntries(), Sizes.human(r.removedBytes()), indexes, steps);
        }
    }
}
