package io.strata.fs.union;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.layer.Entry;
import io.strata.fetcher.layer.EntryType;
import io.strata.fetcher.layer.LayerIndex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Tiny builders for layer fixtures, and a one-line-per-path rendering of a merged tree to assert on. */
final class Layers {

    private static final AtomicLong OFFSETS = new AtomicLong(512);

    private Layers() {
    }

    static LayerIndex layer(Entry... entries) {
        return layer(List.of(entries));
    }

    static LayerIndex layer(List<Entry> entries) {
        Digest digest = Digest.sha256(String.valueOf(OFFSETS.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        return new LayerIndex(digest, null, entries);
    }

    static UnionView view(LayerIndex... layersBottomToTop) {
        return UnionView.build(List.of(layersBottomToTop));
    }

    static Entry dir(String path) {
        return dir(path, 0750);
    }

    static Entry dir(String path, int mode) {
        return entry(path, EntryType.DIRECTORY, mode, 0, null);
    }

    static Entry file(String path) {
        return file(path, 1);
    }

    static Entry file(String path, long size) {
        return entry(path, EntryType.FILE, 0644, size, null);
    }

    /** A whiteout is an ordinary empty file as far as the tar goes; only its name is special. */
    static Entry whiteout(String path) {
        return entry(path, EntryType.FILE, 0, 0, null);
    }

    static Entry symlink(String path, String target) {
        return entry(path, EntryType.SYMLINK, 0777, 0, target);
    }

    static Entry hardlink(String path, String target) {
        return entry(path, EntryType.HARDLINK, 0600, 0, target);
    }

    static Entry entry(String path, EntryType type, int mode, long size, String linkTarget) {
        return new Entry(path, type, mode, 1000, 1000, size, 1_700_000_000L, 0, linkTarget, 0, 0, Map.of(),
                OFFSETS.addAndGet(512), size, null);
    }

    /**
     * The merged tree, one line per visible path in depth-first sorted order: directories end in {@code /},
     * symlinks show {@code -> target}, non-directories show {@code @layer} (where the content comes from).
     */
    static String render(UnionView view) {
        List<String> lines = new ArrayList<>();
        render(view.root(), "", lines);
        return String.join("\n", lines);
    }

    private static void render(Node dir, String prefix, List<String> lines) {
        dir.children().forEach((name, node) -> {
            String path = prefix + name;
            if (node.isDirectory()) {
                lines.add(path + "/");
                render(node, path + "/", lines);
            } else if (node.entry().type() == EntryType.SYMLINK) {
                lines.add(path + " -> " + node.entry().linkTarget() + " @" + node.layer());
            } else {
                lines.add(path + " @" + node.layer());
            }
        });
    }

    static String lines(String... lines) {
        return String.join("\n", lines);
    }
}
