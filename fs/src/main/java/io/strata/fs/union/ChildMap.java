package io.strata.fs.union;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * An immutable sorted map over two parallel arrays (names in {@link String#compareTo} order, and their nodes),
 * looked up by binary search. A directory's children cost two references per name instead of a
 * {@code TreeMap} entry object: this matters when an image has 10^5–10^6 files. Sub-maps are views over a
 * range of the same arrays.
 */
final class ChildMap extends AbstractMap<String, Node> implements SortedMap<String, Node> {

    static final ChildMap EMPTY = new ChildMap(new String[0], new Node[0], 0, 0);

    private final String[] names;
    private final Node[] nodes;
    private final int from;
    private final int to;

    /** Takes ownership of the arrays; {@code names} must be sorted and free of duplicates. */
    static ChildMap of(String[] names, Node[] nodes) {
        return names.length == 0 ? EMPTY : new ChildMap(names, nodes, 0, names.length);
    }

    private ChildMap(String[] names, Node[] nodes, int from, int to) {
        this.names = names;
        this.nodes = nodes;
        this.from = from;
        this.to = to;
    }

    @Override
    public Node get(Object key) {
        int i = key instanceof String s ? Arrays.binarySearch(names, from, to, s) : -1;
        return i >= 0 ? nodes[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public boolean isEmpty() {
        return from == to;
    }

    @Override
    public Set<Entry<String, Node>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Node>> iterator() {
                return new Iterator<>() {
                    private int next = from;

                    @Override
                    public boolean hasNext() {
                        return next < to;
                    }

                    @Override
                    public Entry<String, Node> next() {
                        if (next >= to) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], nodes[i]);
                    }
                };
            }

            @Override
            public int size() {
                return to - from;
            }
        };
    }

    @Override
    public Comparator<? super String> comparator() {
        return null; // natural String order
    }

    @Override
    public SortedMap<String, Node> subMap(String fromKey, String toKey) {
        if (fromKey.compareTo(toKey) > 0) {
            throw new IllegalArgumentException("subMap from '" + fromKey + "' is after to '" + toKey + "'");
        }
        return new ChildMap(names, nodes, lowerBound(fromKey), lowerBound(toKey));
    }

    @Override
    public SortedMap<String, Node> headMap(String toKey) {
        return new ChildMap(names, nodes, from, lowerBound(toKey));
    }

    @Override
    public SortedMap<String, Node> tailMap(String fromKey) {
        return new ChildMap(names, nodes, lowerBound(fromKey), to);
    }

    @Override
    public String firstKey() {
        if (isEmpty()) {
            throw new NoSuchElementException("empty directory");
        }
        return names[from];
    }

    @Override
    public String lastKey() {
        if (isEmpty()) {
            throw new NoSuchElementException("empty directory");
        }
        return names[to - 1];
    }

    /** First index in [from, to) whose name is not less than {@code key}. */
    private int lowerBound(String key) {
        int i = Arrays.binarySearch(names, from, to, key);
        return i >= 0 ? i : -(i + 1);
    }
}
