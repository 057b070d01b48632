package io.strata.fs.prefetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryReader;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.HasPrioritizedFiles;
import io.strata.fetcher.layer.LayerIndex;
import io.strata.fetcher.layer.LayerStats;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fs.fuse.ContentReader;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

    private static final int MIB = 1 << 20;

    /** Every read of the fake content: "path@offset". */
    private final List<String> reads = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private final ContentReader fakeContent = (node, offset, dst, length) -> {
        if (node.entry().path().startsWith("bad")) {
            throw new IOException("chunk digest mismatch (injected)");
        }
        reads.add(node.entry().path() + "@" + offset);
        return (int) Math.min(length, node.entry().size() - offset);
    };

    /*
     * layer 0: a  b  c           layer 1 (prioritized: d): b  .wh.c  d
     * union:   a@0  b@1  d@1     (c deleted, b replaced)
     */
    @Test
    void of_allWithPrioritizedLayer_prioritizedFirstThenBlobOrderEachFileOnce() {
        List<OpenedLayer> layers = List.of(
                layer(List.of(), file("a", 1), file("b", 1), file("c", 1)),
                layer(List.of("d"), file("b", 2), file(".wh.c", 0), file("d", 3)));
        UnionView union = UnionView.build(layers.stream().map(OpenedLayer::index).toList());

        assertEquals(List.of("d", "a", "b"), paths(PrefetchPlan.of(PrefetchMode.ALL, null, union, layers)));
        assertEquals(List.of("d"), paths(PrefetchPlan.of(PrefetchMode.PRIORITIZED, null, union, layers)));
        assertEquals(List.of(), paths(PrefetchPlan.of(PrefetchMode.NONE, null, union, layers)));
        assertEquals(List.of("b", "a"), paths(PrefetchPlan.of(PrefetchMode.PRIORITIZED,
                List.of("/b", "/missing", "/c", "/a", "/b"), union, layers)), "profile order, absent paths skipped");
        assertEquals(1, union.lookup("b").layer(), "b is served by the upper layer");
    }

    @Test
    void run_foregroundReadInFlight_waitsThenReadsPiecesInPlanOrder() throws Exception {
        List<Node> plan = List.of(node(1, "x", 2 * MIB + MIB / 2), node(2, "y", 10));
        inFlight.set(1);
        Prefetcher p = new Prefetcher(PrefetchMode.ALL, () -> plan, fakeContent, inFlight::get);
        p.startThread();
        try {
            Thread.sleep(200);
            assertEquals(List.of(), reads, "no background read while a foreground read is in flight");
            assertEquals("running", p.progress().state());
            assertEquals(2, p.progress().filesPlanned());

            inFlight.set(0);
            awaitState(p, "done");
            assertEquals(List.of("x@0", "x@" + MIB, "x@" + 2 * MIB, "y@0"), reads);
            assertEquals(new PrefetchProgress("all", "done", 2, 2, 0, 2 * MIB + MIB / 2 + 10, 2 * MIB + MIB / 2 + 10),
                    p.progress());
        } finally {
            p.close();
        }
    }

    @Test
    void run_fileFails_skipsItAndFetchesTheRest() throws Exception {
        Prefetcher p = new Prefetcher(PrefetchMode.PRIORITIZED, () -> List.of(node(1, "bad", 5), node(2, "good", 5)),
                fakeContent, inFlight::get);
        p.startThread();
        try {
            awaitState(p, "done");
            assertEquals(List.of("good@0"), reads);
            assertEquals(1, p.progress().filesFailed());
            assertEquals(1, p.progress().filesDone());
        } finally {
            p.close();
        }
    }

    @Test
    void close_whileWaitingForForeground_stopsWithoutReading() throws Exception {
        inFlight.set(1);
        Prefetcher p = new Prefetcher(PrefetchMode.ALL, () -> List.of(node(1, "x", 5)), fakeContent, inFlight::get);
        p.startThread();
        awaitState(p, "running");
        p.close();
        assertEquals("stopped", p.progress().state());
        assertEquals(List.of(), reads);
    }

    @Test
    void wrap_readInProgressOrFailing_countsInFlightOnlyDuringTheRead() {
        ForegroundReads foreground = new ForegroundReads();
        AtomicInteger seen = new AtomicInteger(-1);
        ContentReader counted = foreground.wrap((node, offset, dst, length) -> {
            seen.set(foreground.inFlight());
            throw new IOException("boom");
        });
        assertThrows(IOException.class, () -> counted.read(node(1, "x", 1), 0, new byte[1], 1));
        assertEquals(1, seen.get());
        assertEquals(0, foreground.inFlight());
    }

    @Test
    void parse_unknownMode_namesFlagAndChoices() {
        assertEquals(PrefetchMode.ALL, PrefetchMode.parse("--prefetch", "ALL"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrefetchMode.parse("--prefetch", "some"));
        assertEquals("--prefetch 'some' is not one of none, prioritized, all", e.getMessage());
    }

    private static void awaitState(Prefetcher p, String state) throws InterruptedException {
        for (int i = 0; i < 500 && !p.progress().state().equals(state); i++) {
            Thread.sleep(10);
        }
        assertEquals(state, p.progress().state());
    }

    private static List<String> paths(List<Node> nodes) {
        return nodes.stream().map(n -> n.entry().path()).toList();
    }

    private static Node node(long inode, String path, long size) {
        return new Node(inode, file(path, size), 0, 1, null);
    }

    private static Entry file(String path, long size) {
        return new Entry(path, EntryType.FILE, 0644, 0, 0, size, 0, 0, null, 0, 0, Map.of(), 0, size, null);
    }

    private static OpenedLayer layer(List<String> prioritized, Entry... entries) {
        LayerIndex index = new LayerIndex(Digest.sha256(String.join(",", List.of(entries).toString())
                .getBytes(StandardCharsets.UTF_8)), null, List.of(entries));
        return new OpenedLayer(null, index, new PrioritizedReader(prioritized), new LayerStats(), "estargz", null);
    }

    /** A reader of no content that names prioritized files, as an eStargz layer's does. */
    private record PrioritizedReader(List<String> prioritizedFiles) implements EntryReader, HasPrioritizedFiles {
        @Override
        public int read(Entry entry, long offset, byte[] dst, int dstOffset, int length) {
            return 0;
        }
    }
}
