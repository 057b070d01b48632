package io.strata.fs.prefetch;

import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.HasPrioritizedFiles;
import io.strata.fetcher.layer.OpenedLayer;
import io.strata.fs.union.Node;
import io.strata.fs.union.UnionView;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order in which a mount's files are prefetched: the prioritized files first (a recorded profile when one is
 * given, else each layer's own prioritized files, bottom layer first), then, in mode {@code all}, every other
 * visible regular file by layer and by position in the layer's index, which is the order of the bytes in the blob:
 * consecutive reads then ask for adjacent ranges, which the readers merge and a registry serves fastest.
 * Each inode appears once (a hard link group is fetched once).
 */
final class PrefetchPlan {

    private final UnionView union;
    private final Set<Long> seen = new HashSet<>();
    private final List<Node> order = new ArrayList<>();

    private PrefetchPlan(UnionView union) {
        this.union = union;
    }

    /**
     * @param profile paths of a recorded profile (absolute in the image), or null to use the layers' own
     *                prioritized files
     */
    static List<Node> of(PrefetchMode mode, List<String> profile, UnionView union, List<OpenedLayer> layers) {
        PrefetchPlan plan = new PrefetchPlan(union);
        if (mode == PrefetchMode.NONE) {
            return List.of();
        }
        if (profile != null) {
            profile.forEach(plan::addPath);
        } else {
            for (OpenedLayer layer : layers) {
                if (layer.reader() instanceof HasPrioritizedFiles p) {
                    p.prioritizedFiles().forEach(plan::addPath);
                }
            }
        }
        if (mode == PrefetchMode.ALL) {
            for (int i = 0; i < layers.size(); i++) {
                for (Entry e : layers.get(i).index().entries()) {
                    if (e.type() != EntryType.FILE) {
                        continue;
                    }
                    Node node = union.lookup(e.path());
                    if (node != null && node.layer() == i) { // else an upper layer replaced or deleted it
                        plan.add(node);
                    }
                }
            }
        }
        return List.copyOf(plan.order);
    }

    private void addPath(String path) {
        add(union.lookup(path));
    }

    private void add(Node node) {
        if (node != null && node.entry().type() == EntryType.FILE && seen.add(node.inode())) {
            order.add(node);
        }
    }
}
