package io.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which host files become the image of {@code strata bench warm}: the top-level children of some host directories
 * (e.g. {@code /usr/lib/python3}, {@code /usr/share/doc}), taken whole, in name order, as long as they fit in a
 * byte budget shared evenly by the directories (what one directory leaves over goes to the next), then dealt to
 * the layers in turn. Each layer therefore holds some of {@code /usr/lib} and some of {@code /usr/share}: those two
 * directories are merged across every layer, as in real images.
 */
final class HostTrees {

    /**
     * A host subtree that goes into one layer whole.
     *
     * @param path    absolute host path, e.g. {@code /usr/share/doc}
     * @param bytes   sizes of its regular files
     * @param entries files, directories and other entries in it, itself included
     */
    record Unit(Path path, long bytes, long entries) {
        /** The path inside the image, e.g. {@code usr/share/doc}. */
        String imagePath() {
            return path.toString().substring(1);
        }
    }

    private HostTrees() {
    }

    /**
     * Chooses units of {@code trees} within {@code budget} bytes and deals them to {@code layers} layers.
     *
     * @throws IllegalArgumentException when a tree is not an absolute directory, or nothing fits
     */
    static List<List<Unit>> select(List<Path> trees, long budget, int layers) throws IOException {
        List<Unit> chosen = new ArrayList<>();
        long left = budget;
        for (int t = 0; t < trees.size(); t++) {
            Path tree = trees.get(t);
            if (!tree.isAbsolute() || tree.getNameCount() == 0 || !Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException("--trees: " + tree + " is not an absolute path of a directory"
                        + " (other than /), e.g. /usr/share");
            }
            long share = left / (trees.size() - t);
            for (Path child : children(tree)) {
                Unit u = measure(child);
                if (u.bytes() <= share) {
                    chosen.add(u);
                    share -= u.bytes();
                    left -= u.bytes();
                }
            }
        }
        if (chosen.size() < layers) {
            throw new IllegalArgumentException("only " + chosen.size() + " subtrees of --trees " + trees + " fit in"
                    + " --tree-size, fewer than the " + layers + " layers to fill: raise it");
        }
        List<List<Unit>> dealt = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            dealt.add(new ArrayList<>());
        }
        for (int i = 0; i < chosen.size(); i++) {
            dealt.get(i % layers).add(chosen.get(i));
        }
        return dealt.stream().map(List::copyOf).toList();
    }

    private static List<Path> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static Unit measure(Path root) throws IOException {
        Workloads.TreeCount count = Workloads.walk(root);
        return new Unit(root, count.bytes(), count.entries());
    }
}
