package io.strata.fs.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.LayerTars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

    @TempDir
    Path work;

    private SnapshotStore store;

    @BeforeEach
    void open() throws IOException {
        store = SnapshotStore.open(work.resolve("snapshots"));
    }

    @Test
    void chainIds_followTheImageSpec() {
        Digest a = digest("a");
        Digest b = digest("b");
        Digest c = digest("c");
        Digest ab = Digest.sha256((a + " " + b).getBytes(StandardCharsets.US_ASCII));
        Digest abc = Digest.sha256((ab + " " + c).getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(a, ab, abc), ChainIds.of(List.of(a, b, c)));
        assertEquals(List.of(), ChainIds.of(List.of()));
    }

    @Test
    void commit_pendingSnapshot_isFoundUnderItsChainIdAndNothingStaysInTmp() throws Exception {
        Snapshot s = commit(digest("base"), null, "base content");
        assertEquals(store.root().resolve("sha256").resolve(digest("base").hex()), s.directory());
        Snapshot found = store.find(digest("base")).orElseThrow();
        assertEquals(s.diffId(), found.diffId());
        assertEquals("base content", Files.readString(found.tar()));
        assertEquals(List.of(), names(store.root().resolve("tmp")));
        assertEquals(List.of(found.chainId()), store.list().stream().map(Snapshot::chainId).toList());
    }

    @Test
    void close_uncommittedSnapshot_leavesNothing() throws Exception {
        try (PendingSnapshot p = store.begin(digest("x"))) {
            Files.writeString(p.directory().resolve(Snapshot.TAR), "half");
        }
        assertTrue(store.find(digest("x")).isEmpty());
        assertEquals(List.of(), names(store.root().resolve("tmp")));
    }

    @Test
    void cleanStale_leftoverOfAKilledProcess_isRemovedButALiveOneKept() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        assertTrue(dead.waitFor(10, TimeUnit.SECONDS));
        Path killed = Files.createDirectories(store.root().resolve("tmp").resolve(dead.pid() + ".abc.1"));
        Files.writeString(killed.resolve(Snapshot.TAR), "half");
        try (PendingSnapshot mine = store.begin(digest("live"))) {
            assertEquals(1, store.cleanStale());
            assertTrue(Files.isDirectory(mine.directory()), "a live pull's snapshot was removed");
            assertFalse(Files.exists(killed));
        }
    }

    @Test
    void commit_sameChainIdTwice_keepsTheFirstAndDropsTheSecond() throws Exception {
        Snapshot first = commit(digest("base"), null, "first");
        Snapshot second = commit(digest("base"), null, "first");
        assertEquals(first.directory(), second.directory());
        assertEquals(List.of(), names(store.root().resolve("tmp")));
    }

    @Test
    void find_damagedSnapshot_isAbsentAndACommitReplacesIt() throws Exception {
        Snapshot s = commit(digest("base"), null, "content");
        Files.writeString(s.tar(), "conten"); // a byte short: what a crashed disk may leave
        assertTrue(store.find(digest("base")).isEmpty());
        assertEquals(List.of(s.directory()), store.damaged());
        Snapshot again = commit(digest("base"), null, "content");
        assertEquals("content", Files.readString(store.find(digest("base")).orElseThrow().tar()));
        assertEquals(s.directory(), again.directory());
    }

    @Test
    void commit_parentGone_fails() throws Exception {
        IOException e = assertThrows(IOException.class, () -> commit(digest("child"), digest("missing"), "x"));
        assertTrue(e.getMessage().contains("parent"), e.getMessage());
        assertTrue(store.find(digest("child")).isEmpty());
    }

    @Test
    void remove_snapshot_takesTheSnapshotsStackedOnItAndNoOther() throws Exception {
        commit(digest("base"), null, "b");
        commit(digest("mid"), digest("base"), "m");
        commit(digest("top"), digest("mid"), "t");
        commit(digest("other"), digest("base"), "o");
        commit(digest("alone"), null, "a");
        SnapshotStore.Removed r = store.remove(List.of(digest("mid")));
        assertEquals(Set.of(digest("mid"), digest("top")), Set.copyOf(r.snapshots()));
        assertEquals(Set.of(digest("alone"), digest("base"), digest("other")),
                store.list().stream().map(Snapshot::chainId).collect(Collectors.toSet()));
        assertEquals(3, store.removeAll().snapshots().size());
        assertEquals(List.of(), store.list());
    }

    @Test
    void lock_exclusive_waitsForSharedHolders() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Thread remover;
        try (SnapshotStore.Lock shared = store.lock(false, () -> { })) {
            remover = new Thread(() -> {
                try (SnapshotStore.Lock exclusive = store.lock(true, waiting::countDown)) {
                    // got it
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            remover.start();
            assertTrue(waiting.await(10, TimeUnit.SECONDS), "the exclusive lock did not have to wait");
            assertTrue(remover.isAlive());
        }
        remover.join(10_000);
        assertFalse(remover.isAlive(), "the exclusive lock was not granted once the shared one was released");
    }

    @Test
    void verify_tarChangedInPlace_isRemovedWithWhatIsStackedOnIt() throws Exception {
        Snapshot base = commitReal(digest("base"), null, new TarFixture().file("etc/hosts", "127.0.0.1 localhost"));
        commitReal(digest("top"), digest("base"), new TarFixture().file("etc/motd", "hello"));
        Snapshot other = commitReal(digest("other"), null, new TarFixture().file("x", "x"));
        assertEquals(List.of(), store.verify().bad());

        byte[] tar = Files.readAllBytes(base.tar());
        int at = new String(tar, StandardCharsets.ISO_8859_1).indexOf("127.0.0.1");
        tar[at] = '8'; // same size: only the hash can tell
        Files.write(base.tar(), tar);
        SnapshotStore.Verified v = store.verify();
        assertEquals(3, v.checked());
        assertEquals(List.of(digest("base")), v.bad());
        assertEquals(Set.of(digest("base"), digest("top")), Set.copyOf(v.removed().snapshots()));
        assertEquals(List.of(other.chainId()), store.list().stream().map(Snapshot::chainId).toList());
    }

    /** A snapshot of a real tar with its real index, as a pull commits it. */
    private Snapshot commitReal(Digest chainId, Digest parent, TarFixture fixture) throws IOException {
        try (PendingSnapshot p = store.begin(chainId)) {
            TarFixture.Layer layer = fixture.save(p.directory().resolve(Snapshot.TAR));
            long length = Files.size(layer.tar());
            LayerTars.writeIndex(new LayerTars.Indexed(layer.index(), length), p.directory().resolve(Snapshot.INDEX));
            Descriptor blob = Descriptor.of(MediaTypes.OCI_LAYER_TAR, layer.index().layerDigest(), length);
            return p.commit(new Snapshot(chainId, parent, layer.index().diffId(), blob, length,
                    layer.index().entries().size(), SnapshotStore.now(), null));
        }
    }

    private Snapshot commit(Digest chainId, Digest parent, String tar) throws IOException {
        try (PendingSnapshot p = store.begin(chainId)) {
            Files.writeString(p.directory().resolve(Snapshot.TAR), tar);
            Files.writeString(p.directory().resolve(Snapshot.INDEX), "index");
            Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest("blob of " + chainId), 10);
            return p.commit(new Snapshot(chainId, parent, digest("diff of " + chainId), layer, tar.length(), 1,
                    SnapshotStore.now(), null));
        }
    }

    private static Digest digest(String s) {
        return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
