package io.strata.fs.union;

import static io.strata.fs.union.Layers.file;
import static io.strata.fs.union.Layers.layer;
import static io.strata.fs.union.Layers.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class ChildMapTest {

    /* root: b c d e (built from unsorted tar order) */
    private final SortedMap<String, Node> children =
            view(layer(file("d"), file("b"), file("e"), file("c"))).root().children();

    @Test
    void iteration_sortedByName() {
        assertEquals(List.of("b", "c", "d", "e"), List.copyOf(children.keySet()));
        assertEquals("b", children.firstKey());
        assertEquals("e", children.lastKey());
        assertTrue(children.containsKey("c"));
        assertFalse(children.containsKey("a"));
        assertNull(children.get(42));
        assertNull(children.get(null));
    }

    @Test
    void rangeViews_boundsInclusiveExclusive() {
        assertEquals(List.of("c", "d"), List.copyOf(children.subMap("c", "e").keySet()));
        assertEquals(List.of("b", "c"), List.copyOf(children.headMap("cc").keySet()));
        assertEquals(List.of("d", "e"), List.copyOf(children.tailMap("d").keySet()));
        assertTrue(children.subMap("x", "z").isEmpty());
        assertNull(children.subMap("c", "e").get("e"));
        assertThrows(IllegalArgumentException.class, () -> children.subMap("e", "b"));
        assertThrows(NoSuchElementException.class, () -> children.tailMap("z").firstKey());
    }

    @Test
    void mutation_rejected() {
        assertThrows(UnsupportedOperationException.class, () -> children.put("x", null));
        assertThrows(UnsupportedOperationException.class, () -> children.remove("b"));
        assertThrows(UnsupportedOperationException.class, () -> children.clear());
        assertThrows(UnsupportedOperationException.class, () -> children.entrySet().iterator().next().setValue(null));
    }
}
