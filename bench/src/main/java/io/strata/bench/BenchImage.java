package io.strata.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageRef;
import io.strata.fetcher.image.Manifest;
import io.strata.fetcher.image.ManifestParser;
import io.strata.fetcher.image.MediaTypes;
import io.strata.fetcher.layer.estargz.EStargzConverter;
import io.strata.fetcher.layer.estargz.EStargzWriter;
import io.strata.fetcher.source.BlobSink;
import io.strata.fetcher.source.BlobSource;
import io.strata.fetcher.source.BlobSources;
import io.strata.fetcher.source.ImageCopier;
import io.strata.fetcher.source.ImageResolver;
import io.strata.fetcher.source.SourceOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes the image of {@code strata bench warm} as an OCI image layout of uncompressed tar layers: three layers of
 * host files ({@link HostTrees}) made by GNU tar, and a top layer holding the large files of random bytes (a fixed
 * seed) and the union cases: a whiteout of a file, a whiteout of a directory, an opaque directory with a new file,
 * and a file replaced by new content, each over something a lower layer has.
 *
 * <pre>
 * layer 1..3   usr/ usr/lib/ usr/share/ + their share of the chosen host subtrees
 * layer 4      data/big-0.bin ... data/big-N.bin
 *              DIR1/.wh.FILE          (FILE of layer 1)
 *              DIR2/.wh.SUBDIR        (SUBDIR of layer 2)
 *              DIR3/.wh..wh..opq, DIR3/strata-bench-opaque.txt   (DIR3 of layer 3)
 *              FILE3                  (a file of layer 3, new content)
 * </pre>
 */
final class BenchImage {

    static final String TAG = "warm";
    static final String OPAQUE_FILE = "strata-bench-opaque.txt";
    private static final int LOWER_LAYERS = 3;
    private static final long TAR_TIMEOUT_SECONDS = 3600;

    /**
     * The written image.
     *
     * @param layout    the OCI layout directory (tag {@link #TAG})
     * @param layers    the layer blobs inside it, bottom to top
     * @param bigFiles  the image paths of the large files, e.g. {@code data/big-0.bin}
     * @param cases     the union cases of the top layer, as image paths, for the report
     * @param hostUnits the host subtrees of the three lower layers
     */
    record Built(Path layout, List<Path> layers, List<String> bigFiles, List<String> cases,
                 List<List<HostTrees.Unit>> hostUnits) {
        ImageRef ref() {
            return ImageRef.parse("oci:" + layout + ":" + TAG);
        }
    }

    /** What to put in the image. */
    record Spec(List<Path> trees, long treeBytes, int bigFiles, long bigFileBytes, long seed) {
    }

    private BenchImage() {
    }

    /** Writes the image described by {@code spec} under {@code dir} (layout in {@code dir/layout}). */
    static Built build(Spec spec, Path dir) throws IOException {
        List<List<HostTrees.Unit>> units = HostTrees.select(spec.trees(), spec.treeBytes(), LOWER_LAYERS);
        Path tars = Files.createDirectories(dir.resolve("tars"));
        List<Path> layerTars = new ArrayList<>();
        for (int i = 0; i < LOWER_LAYERS; i++) {
            layerTars.add(hostLayer(units.get(i), tars.resolve("layer-" + (i + 1) + ".tar")));
        }
        Path top = Files.createDirectories(dir.resolve("top"));
        List<String> bigFiles = writeBigFiles(top, spec);
        List<String> cases = unionCases(top, units);
        layerTars.add(tarOf(top, tars.resolve("layer-4.tar")));
        deleteTree(top);
        Path layout = dir.resolve("layout");
        List<Path> blobs = writeLayout(layout, layerTars);
        Files.delete(tars);
        return new Built(layout, blobs, bigFiles, cases, units);
    }

    /**
     * Pushes the image to {@code registryHost} as {@code strata-bench/warm:tar} and, for {@code estargz}, converts
     * it to {@code strata-bench/warm:estargz}; returns the reference to mount.
     */
    static String push(Built image, String registryHost, String format, Path workDir) throws IOException {
        ImageRef tar = ImageRef.parse(registryHost + "/strata-bench/warm:tar");
        SourceOptions options = SourceOptions.defaults();
        try (BlobSource from = BlobSources.open(image.ref(), options); BlobSource to = BlobSources.open(tar, options)) {
            ImageCopier.copy(from, image.ref(), to, tar, null);
            if (format.equals("tar")) {
                return tar.toString();
            }
            ImageRef estargz = ImageRef.parse(registryHost + "/strata-bench/warm:estargz");
            EStargzConverter.convert(
                    ImageResolver.resolve(from, image.ref(), options.platform()),
                    from, (BlobSink) to, estargz.reference(),
                    new EStargzWriter(), workDir);
            return estargz.toString();
        }
    }

    private static Path hostLayer(List<HostTrees.Unit> units, Path tar) throws IOException {
        TreeSet<String> parents = new TreeSet<>();
        for (HostTrees.Unit u : units) {
            for (Path p = Path.of(u.imagePath()).getParent(); p != null; p = p.getParent()) {
                parents.add(p.toString());
            }
        }
        List<String> cmd = new ArrayList<>(List.of("tar", "--create", "--file", tar.toString(), "--numeric-owner",
                "--sort=name", "--directory", "/", "--no-recursion"));
        cmd.addAll(parents);
        cmd.add("--recursion");
        units.forEach(u -> cmd.add(u.imagePath()));
        Exec.run(TAR_TIMEOUT_SECONDS, cmd);
        return tar;
    }

    private static Path tarOf(Path dir, Path tar) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tar", "--create", "--file", tar.toString(), "--numeric-owner",
                "--sort=name", "--directory", dir.toString()));
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(cmd::add);
        }
        Exec.run(TAR_TIMEOUT_SECONDS, cmd);
        return tar;
    }

    private static List<String> writeBigFiles(Path top, Spec spec) throws IOException {
        Path data = Files.createDirectories(top.resolve("data"));
        List<String> names = new ArrayList<>();
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < spec.bigFiles(); i++) {
            SplittableRandom random = new SplittableRandom(spec.seed() + i);
            Path file = data.resolve("big-" + i + ".bin");
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long left = spec.bigFileBytes(); left > 0; left -= block.length) {
                    random.nextBytes(block);
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
            }
            names.add("data/" + file.getFileName());
        }
        return names;
    }

    /** Adds the whiteout, opaque and replacement cases over what layers 1, 2 and 3 hold; returns their paths. */
    private static List<String> unionCases(Path top, List<List<HostTrees.Unit>> units) throws IOException {
        Path file1 = first(units.get(0), p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), "a regular file",
                null);
        Path dir2 = first(units.get(1), p -> hasChild(p), "a directory with entries", null);
        Path dir3 = first(units.get(2), p -> hasChild(p), "a directory with entries", null);
        Path file3 = first(units.get(2), p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS), "a regular file", dir3);
        Files.createFile(Files.createDirectories(inTop(top, file1.getParent())).resolve(".wh." + file1.getFileName()));
        Files.createFile(Files.createDirectories(inTop(top, dir2.getParent())).resolve(".wh." + dir2.getFileName()));
        Path opaque = Files.createDirectories(inTop(top, dir3));
        Files.createFile(opaque.resolve(".wh..wh..opq"));
        Files.writeString(opaque.resolve(OPAQUE_FILE), "the only entry of this directory in the merged view\n");
        Files.createDirectories(inTop(top, file3.getParent()));
        Files.writeString(inTop(top, file3), "replaced by the top layer of strata bench warm\n");
        return List.of("whiteout of file " + file1, "whiteout of directory " + dir2, "opaque directory " + dir3,
                "file replaced " + file3);
    }

    private static Path inTop(Path top, Path hostPath) {
        return top.resolve(hostPath.toString().substring(1));
    }

    private static boolean hasChild(Path p) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first path in name order, strictly inside one of {@code units} (so its parent directory is in the same
     * layer) and not under {@code outside}, that matches {@code what}.
     */
    private static Path first(List<HostTrees.Unit> units, Predicate<Path> what, String description, Path outside)
            throws IOException {
        for (HostTrees.Unit u : units) {
            Optional<Path> found = firstUnder(u.path(), what, outside, 4);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalArgumentException("the host files chosen for a layer hold no " + description + " for the"
                + " union cases of the top layer; raise --tree-size or name other --trees");
    }

    private static Optional<Path> firstUnder(Path dir, Predicate<Path> what, Path outside, int depth)
            throws IOException {
        if (depth == 0 || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        }
        for (Path c : children) {
            if ((outside == null || !c.startsWith(outside)) && what.test(c)) {
                return Optional.of(c);
            }
        }
        for (Path c : children) {
            Optional<Path> deeper = firstUnder(c, what, outside, depth - 1);
            if (deeper.isPresent()) {
                return deeper;
            }
        }
        return Optional.empty();
    }

    /** Moves the tars into a new OCI layout as uncompressed layers and tags the image {@link #TAG}. */
    private static List<Path> writeLayout(Path layout, List<Path> tars) throws IOException {
        Path blobDir = Files.createDirectories(layout.resolve("blobs/sha256"));
        List<Descriptor> layers = new ArrayList<>();
        List<Path> blobs = new ArrayList<>();
        ObjectNode config = ManifestParser.json().createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (Path tar : tars) {
            Digest digest = sha256(tar);
            long size = Files.size(tar);
            Path blob = blobDir.resolve(digest.hex());
            Files.move(tar, blob);
            blobs.add(blob);
            layers.add(Descriptor.of(MediaTypes.OCI_LAYER_TAR, digest, size));
            diffIds.add(digest.toString()); // uncompressed: the diff_id is the blob's digest
        }
        byte[] configBytes = ManifestParser.json().writeValueAsBytes(config);
        Digest configDigest = Digest.sha256(configBytes);
        ImageRef ref = ImageRef.parse("oci:" + layout + ":" + TAG);
        try (BlobSource sink = BlobSources.open(ref, SourceOptions.defaults())) {
            BlobSink out = (BlobSink) sink;
            out.pushBlob(configDigest, configBytes.length, () -> new ByteArrayInputStream(configBytes));
            Manifest manifest = Manifest.of(Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, configBytes.length), layers);
            out.pushManifest(TAG, MediaTypes.OCI_MANIFEST, ManifestParser.toBytes(manifest));
        }
        return blobs;
    }

    private static Digest sha256(Path file) throws IOException {
        MessageDigest md = Digest.newSha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Digest.parse("sha256:" + HexFormat.of().formatHex(md.digest()));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Exec.run(3600, List.of("rm", "-rf", "--one-file-system", root.toString()));
    }
}
