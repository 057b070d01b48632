package io.strata.fs.cli;

import io.strata.fetcher.image.Digest;
import io.strata.fs.pull.Snapshot;
import io.strata.fs.pull.SnapshotStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata snapshots list|rm|prune}: see and remove the layer snapshots {@code strata pull} keeps. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = "List and remove the layer snapshots strata pull keeps (named by chain ID).",
        subcommands = {SnapshotsCommand.ListSnapshots.class, SnapshotsCommand.Remove.class, SnapshotsCommand.Prune.class,
                SnapshotsCommand.Verify.class})
final class SnapshotsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, rm, prune or verify");
    }

    /** The store of the chosen directories. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        CacheFlags cacheFlags;

        @Mixin
        SnapshotFlags snapshotFlags;

        @Override
        public Integer call() throws Exception {
            System.out.print(run(snapshotFlags.open(cacheFlags)));
            return 0;
        }

        abstract String run(SnapshotStore store) throws Exception;

        static SnapshotStore.Lock exclusive(SnapshotStore store) throws IOException {
            return store.lock(true, () -> System.err.println("waiting for running pulls to finish..."));
        }

        static String removed(SnapshotStore.Removed r) {
            return String.format(Locale.ROOT, "removed %d snapshots%s (%s)%n", r.snapshots().size(),
                    r.damaged() > 0 ? " and " + r.damaged() + " damaged ones" : "", Sizes.human(r.bytes()));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every snapshot: chain ID, parent, layer, size.")
    static final class ListSnapshots extends Action {
        @Override
        String run(SnapshotStore store) throws Exception {
            List<Snapshot> all = store.list();
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%-19s %-19s %-19s %10s %8s  %s%n", "chain id", "parent", "layer",
                    "size", "entries", "created"));
            long total = 0;
            for (Snapshot s : all) {
                total += s.tarLength();
                out.append(String.format(Locale.ROOT, "%-19s %-19s %-19s %10s %8d  %s%n", s.chainId().shortForm(),
                        s.parent() == null ? "-" : s.parent().shortForm(), s.layer().digest().shortForm(),
                        Sizes.human(s.tarLength()), s.entries(), s.created()));
            }
            int damaged = store.damaged().size();
            out.append(String.format(Locale.ROOT, "%d snapshots, %s in %s%s%n", all.size(), Sizes.human(total),
                    store.root(), damaged > 0 ? "; " + damaged + " damaged (strata snapshots prune removes them)" : ""));
            return out.toString();
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove snapshots, and the snapshots stacked on them (unusable without them).")
    static final class Remove extends Action {
        @Parameters(paramLabel = "CHAIN_ID", arity = "1..*",
                description = "a chain ID as `snapshots list` shows it (sha256:HEX, or a unique prefix of it)")
        List<String> chainIds;

        @Override
        String run(SnapshotStore store) throws Exception {
            try (SnapshotStore.Lock lock = exclusive(store)) {
                List<Snapshot> all = store.list();
                List<Digest> chosen = new ArrayList<>();
                for (String id : chainIds) {
                    chosen.add(match(id, all, store));
                }
                return removed(store.remove(chosen));
            }
        }

        private static Digest match(String id, List<Snapshot> all, SnapshotStore store) {
            String prefix = id.contains(":") ? id : "sha256:" + id;
            List<Digest> hits = all.stream().map(Snapshot::chainId).filter(d -> d.toString().startsWith(prefix)).toList();
            if (hits.size() == 1 && prefix.length() >= "sha256:".length() + 4) {
                return hits.get(0);
            }
            throw new IllegalArgumentException(hits.isEmpty()
                    ? "no snapshot " + id + " in " + store.root() + " (strata snapshots list shows them)"
                    : "'" + id + "' names " + hits.size() + " snapshots or is too short: give more of the chain ID");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Hash every snapshot's tar against its diff ID; remove the bad ones (and those stacked on them).")
    static final class Verify extends Action {
        @Override
        String run(SnapshotStore store) throws Exception {
            try (SnapshotStore.Lock lock = exclusive(store)) {
                SnapshotStore.Verified v = store.verify();
                return String.format(Locale.ROOT, "checked %d snapshots (%s): %d bad; %s", v.checked(),
                        Sizes.human(v.bytes()), v.bad().size(), removed(v.removed()));
            }
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Remove damaged snapshots and what killed pulls left; with --all, every snapshot.")
    static final class Prune extends Action {
        @Option(names = "--all", description = "Remove every snapshot (the next pull downloads every layer again).")
        boolean all;

        @Override
        String run(SnapshotStore store) throws Exception {
            try (SnapshotStore.Lock lock = exclusive(store)) {
                if (all) {
                    return removed(store.removeAll());
                }
                int stale = store.cleanStale();
                SnapshotStore.Removed r = store.removeDamaged();
                return String.format(Locale.ROOT, "removed %d damaged snapshots (%s) and %d leftovers of killed pulls%n",
                        r.damaged(), Sizes.human(r.bytes()), stale);
            }
        }
    }
}
