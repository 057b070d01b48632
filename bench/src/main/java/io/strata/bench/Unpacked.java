package io.strata.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The baselines' copies of the benchmark image on the local disk: the fully unpacked root filesystem ({@code umoci
 * unpack}, the "plain" directory) and one directory per layer (GNU tar) for the lowerdirs of kernel overlayfs and
 * fuse-overlayfs, their OCI whiteouts rewritten in overlayfs's format, which both read: {@code .wh.NAME} becomes a
 * character device 0:0 named NAME, {@code .wh..wh..opq} becomes the xattr {@code trusted.overlay.opaque=y} on its
 * directory (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories").
 *
 * @param plain  the unpacked root filesystem
 * @param lowers one directory per layer, bottom to top
 */
record Unpacked(Path plain, List<Path> lowers) {

    private static final long TIMEOUT_SECONDS = 3600;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    Unpacked {
        lowers = List.copyOf(lowers);
    }

    /** Unpacks {@code image} into {@code dir/plain} and {@code dir/lower/1..N}. */
    static Unpacked of(BenchImage.Built image, Path dir) throws IOException {
        Path bundle = dir.resolve("plain");
        Exec.run(TIMEOUT_SECONDS, List.of("umoci", "unpack", "--image", image.layout() + ":" + BenchImage.TAG,
                bundle.toString()));
        List<Path> lowers = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            Path lower = Files.createDirectories(dir.resolve("lower").resolve(Integer.toString(i + 1)));
            Exec.run(TIMEOUT_SECONDS, List.of("tar", "--extract", "--file", image.layers().get(i).toString(),
                    "--directory", lower.toString(), "--numeric-owner", "--same-permissions", "--same-owner"));
            toOverlayWhiteouts(lower);
            lowers.add(lower);
        }
        return new Unpacked(bundle.resolve("rootfs"), lowers);
    }

    /** {@code lowerdir=} of overlayfs: the top layer first. */
    String lowerdirOption() {
        List<String> topFirst = new ArrayList<>();
        for (int i = lowers.size() - 1; i >= 0; i--) {
            topFirst.add(lowers.get(i).toString());
        }
        return "lowerdir=" + String.join(":", topFirst);
    }

    private static void toOverlayWhiteouts(Path layer) throws IOException {
        List<Path> markers = new ArrayList<>();
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().startsWith(WHITEOUT)) {
                    markers.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path marker : markers) {
            String name = marker.getFileName().toString();
            Files.delete(marker);
            if (name.equals(OPAQUE)) {
                Exec.run(60, List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", marker.getParent().toString()));
            } else {
                Path hidden = marker.resolveSibling(name.substring(WHITEOUT.length()));
                Exec.run(60, List.of("mknod", hidden.toString(), "c", "0", "0"));
            }
        }
    }
}
