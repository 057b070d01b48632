package io.strata.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreesTest {

    @TempDir
    Path tmp;

    /*
     * one/  a/ (100 B)  b/ (200 B)  c/ (50 B)  d/ (1000 B)
     * two/  x/ (10 B)
     * budget 400: one gets 200 (a, c fit; b, d not), two gets what is left (250): x.
     */
    @Test
    void select_budgetSharedByTrees_takesWholeSubtreesInNameOrderAndDealsThem() throws IOException {
        Path one = tree("one", "a", 100, "b", 200, "c", 50, "d", 1000);
        Path two = tree("two", "x", 10);

        List<List<HostTrees.Unit>> layers = HostTrees.select(List.of(one, two), 400, 3);

        assertEquals(List.of(List.of(one.resolve("a")), List.of(one.resolve("c")), List.of(two.resolve("x"))),
                layers.stream().map(l -> l.stream().map(HostTrees.Unit::path).toList()).toList());
        HostTrees.Unit a = layers.get(0).get(0);
        assertEquals(100, a.bytes());
        assertEquals(2, a.entries()); // the directory and its file
        assertEquals(a.path().toString().substring(1), a.imagePath());
    }

    @Test
    void select_fewerSubtreesThanLayersFit_failsNamingTheFlag() throws IOException {
        Path one = tree("one", "a", 100, "b", 200);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostTrees.select(List.of(one), 150, 3));

        assertTrue(e.getMessage().contains("--tree-size"), e.getMessage());
    }

    @Test
    void select_relativeTree_failsNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostTrees.select(List.of(Path.of("usr/share")), 1 << 20, 3));

        assertTrue(e.getMessage().startsWith("--trees: usr/share is not an absolute path"), e.getMessage());
    }

    /** {@code name/child/file} of {@code size} bytes for each (child, size) pair. */
    private Path tree(String name, Object... childAndSize) throws IOException {
        Path root = Files.createDirectories(tmp.resolve(name));
        for (int i = 0; i < childAndSize.length; i += 2) {
            Path child = Files.createDirectories(root.resolve((String) childAndSize[i]));
            Files.write(child.resolve("file"), new byte[(Integer) childAndSize[i + 1]]);
        }
        return root;
    }
}
