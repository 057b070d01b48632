package io.strata.fs.union;

import static io.strata.fs.union.Layers.dir;
import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.whiteout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.LayerIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Build time on an image-sized input: 200 000 entries over 5 layers. */
class UnionViewScaleTest {

    private static final int LAYERS = 5;
    private static final int DIRS = 200;
    private static final int FILES_PER_DIR = 199;

    /*
     * Each layer Lk: 200 directory entries dNNN/ and 39 800 files dNNN/sS/fFFF (S = F % 10, parents sS
     * implicit); every file path exists in every layer, so upper layers replace. From L1 up, some entries are
     * whiteouts instead: dNNN/.wh.s{k} for NNN % 7 == 0, and dNNN/.wh..wh..opq for NNN % 50 == k.
     */
    @Test
    void build_200kEntriesOver5Layers_wellUnderTwoSeconds() {
        List<LayerIndex> layers = new ArrayList<>();
        int total = 0;
        for (int k = 0; k < LAYERS; k++) {
            List<Entry> entries = new ArrayList<>(DIRS * (FILES_PER_DIR + 1));
            for (int d = 0; d < DIRS; d++) {
                String dir = String.format("d%03d", d);
                entries.add(dir(dir, 0755));
                for (int f = 0; f < FILES_PER_DIR; f++) {
                    if (k > 0 && f == 0 && d % 7 == 0) {
                        entries.add(whiteout(dir + "/.wh.s" + k));
                    } else if (k > 0 && f == 1 && d % 50 == k) {
                        entries.add(whiteout(dir + "/.wh..wh..opq"));
                    } else {
                        entries.add(file(dir + "/s" + (f % 10) + "/f" + f, f));
                    }
                }
            }
            total += entries.size();
            layers.add(layer(entries));
        }
        assertEquals(200_000, total);

        long start = System.nanoTime();
        UnionView v = UnionView.build(layers);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("UnionView.build: %d entries over %d layers -> %d nodes in %d ms%n",
                total, LAYERS, v.nodeCount(), millis);

        assertTrue(millis < 2_000, "build took " + millis + " ms");
        assertNotNull(v.lookup("d001/s3/f13"));
        assertEquals(LAYERS - 1, v.lookup("d001/s3/f13").layer());
        assertNull(v.lookup("d000/.wh.s1"));
        // root + 200 dirs + 200*10 subdirs + 200*199 files, minus the whiteout slots of L4 (not re-added there)
        assertTrue(v.nodeCount() > 40_000 && v.nodeCount() <= 1 + DIRS + DIRS * 10 + DIRS * FILES_PER_DIR,
                "nodes: " + v.nodeCount());
    }
}
