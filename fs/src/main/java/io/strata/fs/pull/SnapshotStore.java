package io.strata.fs.pull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.LayerTars;
import io.strata.fs.posix.Posix;
import io.strata.fs.posix.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed store of layer snapshots, named by chain ID ({@link ChainIds}):
 * <pre>
 *   ROOT/lock                   flock: shared while a pull uses the store, exclusive to remove snapshots
 *   ROOT/tmp/PID.NAME.N/        a snapshot being built (or being removed) by process PID
 *   ROOT/sha256/HEX/            a committed snapshot: layer.tar, index, snapshot.json ({@link Snapshot})
 * </pre>
 * A snapshot is built in {@code tmp/} ({@link PendingSnapshot}), its files fsynced, and renamed into place in one step, so a pull killed at
 * any point leaves at most a directory in {@code tmp/}, never a half snapshot under a chain ID; {@link #cleanStale}
 * removes what dead processes left there. Removal renames out of place first, for the same reason. A committed
 * snapshot's parent is committed before it ({@code Puller} commits in layer order), and removing a snapshot removes
 * the snapshots stacked on it.
 */
public final class SnapshotStore {

    private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Pattern TEMP = Pattern.compile("(\\d+)\\..+");
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final List<String> ALGORITHMS = List.of("sha256", "sha512");

    private final Path root;
    private final Path tmp;

    private SnapshotStore(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
    }

    /** The store at {@code root}, created if missing. */
    public static SnapshotStore open(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs.resolve("tmp"));
        } catch (IOException e) {
            throw new IOException("cannot create the snapshot directory " + abs + " (" + e.getMessage()
                    + "); choose another with --snapshot-dir", e);
        }
        return new SnapshotStore(abs);
    }

    /** Where snapshots go by default: {@code snapshots/} in the cache directory, on the same disk as the cache. */
    public static Path defaultDirectory(Path cacheDirectory) {
        return cacheDirectory.resolve("snapshots");
    }

    public Path root() {
        return root;
    }

    /** The directory a committed snapshot of {@code chainId} has, whether or not it exists. */
    Path pathOf(Digest chainId) {
        return root.resolve(chainId.algorithm()).resolve(chainId.hex());
    }

    /**
     * The committed snapshot of {@code chainId}, if present and whole. A damaged one (metadata unreadable, a file
     * missing or of the wrong size) counts as absent, with a warning: the pull makes it again and replaces it.
     */
    public Optional<Snapshot> find(Digest chainId) {
        Path dir = pathOf(chainId);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(dir, chainId));
        } catch (IOException | RuntimeException e) {
            log.warn("snapshot {} is damaged ({}); it is made again", dir, e.getMessage());
            return Optional.empty();
        }
    }

    /** Every whole committed snapshot, oldest first. */
    public List<Snapshot> list() throws IOException {
        List<Snapshot> all = new ArrayList<>();
        for (Path dir : committedDirectories()) {
            try {
                all.add(read(dir, null));
            } catch (IOException | RuntimeException e) {
                // damaged: listed by damaged(), removed by prune
            }
        }
        all.sort(Comparator.comparing(Snapshot::created).thenComparing(s -> s.chainId().toString()));
        return all;
    }

    /** Committed directories whose snapshot cannot be used (what a crash of the disk, not of a pull, leaves). */
    public List<Path> damaged() throws IOException {
        List<Path> bad = new ArrayList<>();
        for (Path dir : committedDirectories()) {
            try {
                read(dir, null);
            } catch (IOException | RuntimeException e) {
                bad.add(dir);
            }
        }
        return bad;
    }

    private Snapshot read(Path dir, Digest expected) throws IOException {
        Snapshot s = JSON.readValue(dir.resolve(Snapshot.INFO).toFile(), Snapshot.class);
        Digest named = new Digest(dir.getParent().getFileName().toString(), dir.getFileName().toString());
        if (!s.chainId().equals(named) || (expected != null && !expected.equals(named))) {
            throw new IOException(Snapshot.INFO + " names " + s.chainId() + ", not " + named);
        }
        long size = Files.size(dir.resolve(Snapshot.TAR));
        if (size != s.tarLength()) {
            throw new IOException(Snapshot.TAR + " has " + size + " bytes, not " + s.tarLength());
        }
        if (!Files.isRegularFile(dir.resolve(Snapshot.INDEX))) {
            throw new IOException(Snapshot.INDEX + " is missing");
        }
        return s.at(dir);
    }

    private List<Path> committedDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String algorithm : ALGORITHMS) {
            Path parent = root.resolve(algorithm);
            if (Files.isDirectory(parent)) {
                try (var list = Files.list(parent)) {
                    list.filter(Files::isDirectory).sorted().forEach(dirs::add);
                }
            }
        }
        return dirs;
    }

    /** Starts a snapshot of {@code chainId} in a fresh directory of {@code tmp/}; close it to abandon it. */
    PendingSnapshot begin(Digest chainId) throws IOException {
        return new PendingSnapshot(this, chainId, Files.createDirectory(newTemp(chainId.hex().substring(0, 12))));
    }

    /** Writes {@code snapshot.json} into a snapshot being built. */
    static void writeInfo(Path dir, Snapshot info) throws IOException {
        JSON.writeValue(dir.resolve(Snapshot.INFO).toFile(), info);
    }

    private Path newTemp(String what) {
        return tmp.resolve(ProcessHandle.current().pid() + "." + what + "." + SEQUENCE.incrementAndGet());
    }

    /** What a removal took away. */
    public record Removed(List<Digest> snapshots, int damaged, long bytes) {
    }

    /**
     * Removes the snapshots of {@code chainIds} and every snapshot stacked on them (which could not be used
     * without them). The caller holds the exclusive {@link #lock}.
     */
    public Removed remove(Collection<Digest> chainIds) throws IOException {
        Map<Digest, List<Snapshot>> children = new HashMap<>();
        Map<Digest, Snapshot> byId = new LinkedHashMap<>();
        for (Snapshot s : list()) {
            byId.put(s.chainId(), s);
            if (s.parent() != null) {
                children.computeIfAbsent(s.parent(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Digest> removed = new ArrayList<>();
        long bytes = 0;
        ArrayDeque<Digest> todo = new ArrayDeque<>(chainIds);
        while (!todo.isEmpty()) {
            Digest id = todo.pop();
            Snapshot s = byId.remove(id);
            if (s == null) {
                continue; // absent, or reached twice
            }
            children.getOrDefault(id, List.of()).forEach(c -> todo.push(c.chainId()));
            bytes += Trees.size(s.directory());
            discard(s.directory());
            removed.add(id);
        }
        return new Removed(removed, 0, bytes);
    }

    /** Removes every snapshot, whole or damaged, and every leftover of dead processes. */
    public Removed removeAll() throws IOException {
        List<Digest> all = list().stream().map(Snapshot::chainId).toList();
        int damaged = 0;
        long bytes = 0;
        for (Path dir : damaged()) {
            bytes += Trees.size(dir);
            discard(dir);
            damaged++;
        }
        Removed whole = remove(all);
        cleanStale();
        return new Removed(whole.snapshots(), damaged, whole.bytes() + bytes);
    }

    /** Removes damaged snapshots (and whatever is stacked on them: it is unusable without them). */
    public Removed removeDamaged() throws IOException {
        int damaged = 0;
        long bytes = 0;
        for (Path dir : damaged()) {
            bytes += Trees.size(dir);
            discard(dir);
            damaged++;
        }
        return new Removed(List.of(), damaged, bytes);
    }

    /** What {@link #verify} found. */
    public record Verified(int checked, long bytes, List<Digest> bad, Removed removed) {
    }

    /**
     * Hashes every snapshot's tar again and checks it against its diff ID (and its index against the tar); removes
     * the bad ones with the snapshots stacked on them. The caller holds the exclusive {@link #lock}.
     */
    public Verified verify() throws IOException {
        List<Digest> bad = new ArrayList<>();
        long bytes = 0;
        List<Snapshot> all = list();
        for (Snapshot s : all) {
            bytes += s.tarLength();
            MessageDigest hasher = s.diffId().newHasher();
            try (var in = Files.newInputStream(s.tar())) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    hasher.update(buf, 0, n);
                }
            }
            boolean ok = s.diffId().matches(hasher.digest());
            if (ok) {
                try {
                    LayerTars.Indexed indexed = LayerTars.readIndex(s.index(), s.layer().digest());
                    ok = indexed.tarLength() == s.tarLength() && s.diffId().equals(indexed.index().diffId());
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (!ok) {
                log.warn("snapshot {} does not match its diff ID {} (or its index is damaged): removed", s.chainId(), s.diffId());
                bad.add(s.chainId());
            }
        }
        return new Verified(all.size(), bytes, bad, remove(bad));
    }

    /** Un-commits {@code dir} with one rename, then deletes it. */
    void discard(Path dir) throws IOException {
        Path trash = newTemp("removed");
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        Trees.deleteRecursively(trash);
    }

    /**
     * Deletes what processes that are gone left in {@code tmp/} (a killed pull's half snapshot, a killed removal);
     * returns how many. Entries of live processes are left alone.
     */
    public int cleanStale() throws IOException {
        int removed = 0;
        try (var list = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (m.matches() && !isAlive(Long.parseLong(m.group(1)))) {
                    Trees.deleteRecursively(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isAlive(long pid) {
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Locks the store: shared for a pull (several may run at once), exclusive for a removal. When another holds it
     * in a conflicting mode, {@code whileWaiting} runs once (to say so) and the call waits.
     */
    public Lock lock(boolean exclusive, Runnable whileWaiting) throws IOException {
        String path = root.resolve("lock").toString();
        var fd = Posix.lock(path, exclusive, false);
        if (fd.isEmpty()) {
            whileWaiting.run();
            fd = Posix.lock(path, exclusive, true);
        }
        return new Lock(fd.getAsInt());
    }

    /** A held {@link #lock}; closing releases it. */
    public static final class Lock implements AutoCloseable {
        private final int fd;

        private Lock(int fd) {
            this.fd = fd;
        }

        @Override
        public void close() {
            Posix.closeQuietly(fd);
        }
    }

    static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(!directory);
        }
    }

    /** For {@code snapshot.json}: when it was committed. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
