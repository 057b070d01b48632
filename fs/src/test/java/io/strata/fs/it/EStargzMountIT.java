package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.fetcher.testing.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eStargz end to end: images converted by {@code strata convert} mount lazily, show exactly the tree
 * {@code umoci unpack} makes of the source image, read a small file for a tiny fraction of its layer, and a
 * chunk altered in the registry fails its read with EIO without hurting the rest of the image.
 */
class EStargzMountIT {

    private static LocalRegistry registry;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void mount_convertedWhiteoutImage_equalsUmociUnpackOfSource() throws Exception {
        Path l1 = LayerTar.make(work, "l1", "pax", UnionMountIT.KITCHEN_SINK);
        Path l2 = LayerTar.make(work, "l2", "pax", """
                mkdir -p etc dir; : > etc/.wh.hello-hard; : > dir/.wh..wh..opq; echo new > dir/new
                head -c 9000000 /dev/urandom > big2.bin
                """);
        String source = push("esgz-src", List.of(l1, l2));
        Path expected = unpack("esgz-src");
        String converted = registry.host() + "/it/esgz:v1";
        StrataCli.run("convert", "--cache-dir", work.resolve("cache").toString(), "--chunk-size", "1048576", source, converted);
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache").toString(), converted, mnt.toString());
            JsonNode status = StrataCli.status(mnt);
            assertTrue(status.path("layers").findValuesAsText("format").stream().allMatch("estargz"::equals),
                    status.toString());
            List<String> diff = TreeSnapshot.of(mnt, true).diff(TreeSnapshot.of(expected, true), 40);
            assertTrue(diff.isEmpty(), "mounted eStargz tree differs from umoci unpack of the source:\n" + String.join("\n", diff));
        } finally {
            StrataCli.umountQuietly(mnt);
        }
        // strata cache clear leaves nothing of the layers behind: no chunk, no TOC
        Path tocs = work.resolve("cache/estargz");
        assertTrue(countFiles(tocs) > 0, "the mount kept no eStargz TOC in " + tocs);
        String cleared = StrataCli.run("cache", "clear", "--cache-dir", work.resolve("cache").toString());
        assertTrue(cleared.matches("(?s)removed [1-9]\\d* chunks .*, [1-9]\\d* layer index files .*"), cleared);
        assertEquals(0, countFiles(tocs), "strata cache clear kept eStargz TOCs");
    }

    private static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void read_smallFileOf100MBLayer_fetchesUnderOnePercentAndCorruptChunkFailsWithEio() throws Exception {
        Path tar = LayerTar.make(work, "big", "pax", "mkdir data; head -c 100000000 /dev/urandom > data/big.bin;"
                + " echo small > data/small.txt");
        String source = push("big-src", List.of(tar));
        String converted = registry.host() + "/it/big-esgz:v1";
        StrataCli.run("convert", "--cache-dir", work.resolve("cache").toString(), source, converted);
        Path mnt = Files.createDirectories(work.resolve("mnt-big"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache2").toString(), converted, mnt.toString());
            assertEquals("small\n", Files.readString(mnt.resolve("data/small.txt")));
            JsonNode layer = StrataCli.status(mnt).path("layers").get(0);
            long fetched = layer.path("bytesFetched").asLong();
            long size = layer.path("size").asLong();
            assertTrue(size > 100_000_000L, "layer size " + size);
            assertTrue(fetched < size / 100, "fetched " + fetched + " of " + size + " bytes to read one small file");

            // Alter one byte in the middle of the stored blob: the chunk holding it fails its digest.
            Path blob = largestBlobOf(registry.storageDir(), size);
            byte[] one = new byte[1];
            try (var ch = java.nio.channels.FileChannel.open(blob, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.read(java.nio.ByteBuffer.wrap(one), size / 2);
                one[0] ^= 0x5a;
                ch.write(java.nio.ByteBuffer.wrap(one), size / 2);
            }
            for (int attempt = 0; attempt < 2; attempt++) { // the second attempt proves nothing bad was cached
                IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve("data/big.bin")));
                assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), String.valueOf(e));
            }
            assertEquals("small\n", Files.readString(mnt.resolve("data/small.txt")), "the rest keeps working");
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    private String push(String name, List<Path> tars) throws Exception {
        TestLayout layout = new TestLayout(work.resolve("layout-" + name));
        for (Path t : tars) {
            layout.addLayer(t, TestLayout.Compression.GZIP);
        }
        layout.finish("v1");
        String image = registry.host() + "/it/" + name + ":v1";
        StrataCli.run("copy", "oci:" + layout.dir() + ":v1", image);
        return image;
    }

    private Path unpack(String name) throws Exception {
        Path bundle = work.resolve("bundle-" + name);
        Shell.run("umoci", "unpack", "--image", work.resolve("layout-" + name) + ":v1", bundle.toString());
        return bundle.resolve("rootfs");
    }

    private static Path largestBlobOf(Path storage, long size) throws IOException {
        try (var files = Files.walk(storage)) {
            return files.filter(p -> p.getFileName().toString().equals("data"))
                    .filter(p -> p.toFile().length() == size).findFirst()
                    .orElseThrow(() -> new IOException("no blob of " + size + " bytes in " + storage));
        }
    }
}
