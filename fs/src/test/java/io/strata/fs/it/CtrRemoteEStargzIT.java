package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.testing.LocalRegistry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * eStargz written by the REFERENCE implementation ({@code ctr-remote} of containerd/stargz-snapshotter, driving a
 * private containerd) mounts lazily with Strata and shows exactly what {@code umoci unpack} makes of the image:
 * converted with {@code ctr-remote image convert --estargz} and small chunks (files split in many chunks, read
 * back byte-exact, also from the middle of a chunk), and optimized with {@code ctr-remote image optimize}, which
 * runs the image's workload in a container and puts the files it opened first, before a
 * {@code .prefetch.landmark}: Strata prefetches exactly those.
 */
class CtrRemoteEStargzIT {

    private static final int CHUNK = 64 << 10;
    /**
     * Ends every fixture script: whole-second mtimes for what it made now (the kitchen sink's 2001 dates stay).
     * ctr-remote rounds mtimes to the nearest second (tar header and TOC alike), so sub-second source times would
     * differ from its image by design, not by a Strata fault.
     */
    private static final String WHOLE_SECONDS = "\nfind . -newermt 2002-01-01 -exec touch -h -d @1700000000 {} +\n";
    /** The workload of {@code optimize}: etc/hello is a hard link whose tar target (dir/hello-hard2) L2 hides. */
    private static final String WORKLOAD_FILE = "etc/hello";

    private static LocalRegistry registry;
    private static Containerd containerd;
    private static String source;
    private static Path sourceRoot;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * L0: cat and the host libraries it needs (the workload of `optimize`)
     * L1: UnionMountIT.KITCHEN_SINK: setuid, xattrs (user. and binary security.capability), hard links, symlinks,
     *     fifo, devices, empty file, 10 MiB of zeros, big.bin (3 000 000 random bytes: 46 chunks of 64 KiB, the
     *     last one short), paths over 255 bytes, unicode names
     * L2: etc/.wh.hello-hard (whiteout of one link of a hard link group), dir/.wh..wh..opq (opaque: hides the
     *     group's tar target dir/hello-hard2), dir/new
     */
    @BeforeAll
    static void startAndPushSource() throws Exception {
        registry = LocalRegistry.start();
        containerd = Containerd.start();
        Path l0 = LayerTar.make(shared, "l0", "pax", """
                mkdir -p usr/bin; cp -L /usr/bin/cat usr/bin/cat
                for f in $(ldd /usr/bin/cat | grep -oE '/[^ ]+[.]so[^ ]*' | sort -u); do
                  mkdir -p ".$(dirname "$f")"; cp -L "$f" ".$f"
                done
                """ + WHOLE_SECONDS);
        // Dense zeros instead of a sparse file: ctr-remote 0.12 cannot convert a GNU sparse tar member ("error
        // copying ./sparse: unexpected EOF"). 160 chunks with one and the same digest are a hard case of their own.
        Path l1 = LayerTar.make(shared, "l1", "pax", UnionMountIT.KITCHEN_SINK.replace("truncate -s 10M sparse;",
                "head -c 10485760 /dev/zero > sparse;") + WHOLE_SECONDS);
        Path l2 = LayerTar.make(shared, "l2", "pax", """
                mkdir -p etc dir; : > etc/.wh.hello-hard; : > dir/.wh..wh..opq; echo new > dir/new
                """ + WHOLE_SECONDS);
        TestLayout layout = new TestLayout(shared.resolve("layout-src"));
        for (Path tar : List.of(l0, l1, l2)) {
            layout.addLayer(tar, TestLayout.Compression.GZIP);
        }
        layout.finish("v1");
        source = layout.pushTo(registry, "ctr-src");
        sourceRoot = layout.unpack(shared.resolve("bundle-src"));
        containerd.ctr("content", "fetch", "--plain-http", source);
    }

    @AfterAll
    static void stop() {
        if (containerd != null) {
            containerd.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void mount_ctrRemoteConvertedWithSmallChunks_lazyAndEqualsUmociUnpackOfBothImages() throws Exception {
        long t0 = System.nanoTime();
        String converted = registry.host() + "/it/ctr-esgz:v1";
        containerd.ctr("image", "convert", "--estargz", "--oci", "--estargz-chunk-size", String.valueOf(CHUNK),
                source, converted);
        containerd.ctr("image", "push", "--plain-http", converted);
        long converting = System.nanoTime() - t0;
        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--prefetch", "none", "--cache-dir", work.resolve("cache").toString(), converted,
                    mnt.toString());
            JsonNode before = StrataCli.status(mnt);
            assertEquals(3, before.path("layers").size(), before.toString());
            for (JsonNode layer : before.path("layers")) {
                assertEquals("estargz", layer.path("format").asText(), layer.toString());
                assertTrue(layer.path("lazy").asBoolean(), layer.toString());
            }

            // One small file: the footer, the TOC and one chunk of its layer, not the layer.
            assertEquals("hello\n", Files.readString(mnt.resolve(WORKLOAD_FILE)));
            JsonNode sink = StrataCli.status(mnt).path("layers").get(1);
            long size = sink.path("size").asLong();
            long smallRead = sink.path("bytesFetched").asLong();
            assertTrue(smallRead < size / 20, "reading a 6-byte file fetched " + smallRead + " of " + size + " bytes");

            // The middle of a chunk, across the next chunk's start: those chunks (plus kernel read-ahead) only.
            Path big = mnt.resolve("big.bin");
            byte[] expected = Files.readAllBytes(shared.resolve("stage-l1/big.bin"));
            int offset = 7 * CHUNK + 12_345;
            byte[] middle = new byte[100_000];
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "r")) {
                f.seek(offset);
                f.readFully(middle);
            }
            assertArrayEquals(Arrays.copyOfRange(expected, offset, offset + middle.length), middle);
            long middleRead = StrataCli.status(mnt).path("layers").get(1).path("bytesFetched").asLong() - smallRead;
            assertTrue(middleRead > middle.length && middleRead < 8L * CHUNK,
                    "a 100 000-byte read in the middle of a chunked file fetched " + middleRead + " bytes");
            assertArrayEquals(expected, Files.readAllBytes(big), "big.bin, 46 chunks, byte for byte");

            TreeSnapshot mounted = TreeSnapshot.of(mnt, true);
            assertNoDiff("the unpack of the source image", mounted, sourceRoot);
            assertNoDiff("the unpack of the ctr-remote image", mounted, unpackWithoutLandmarks(converted, "esgz"));
            System.out.printf("CtrRemoteEStargzIT convert: reading %s fetched %d of the %d-byte layer (%.2f %%);"
                            + " a 100 000-byte read mid-chunk fetched %d bytes; ctr-remote convert+push %d ms%n",
                    WORKLOAD_FILE, smallRead, size, 100.0 * smallRead / size, middleRead, converting / 1_000_000);
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void mount_ctrRemoteOptimized_prefetchesExactlyTheFilesTheWorkloadOpened() throws Exception {
        long t0 = System.nanoTime();
        String optimized = registry.host() + "/it/ctr-opt:v1";
        Path record = shared.resolve("record.json");
        containerd.ctr("image", "optimize", "--oci", "--period", "20", "--record-out", record.toString(),
                "--entrypoint", "[\"/usr/bin/cat\"]", "--args", "[\"/" + WORKLOAD_FILE + "\"]", source, optimized);
        containerd.ctr("image", "push", "--plain-http", optimized);
        long optimizing = System.nanoTime() - t0;
        Set<String> opened = recordedPaths(record);
        assertTrue(opened.contains(WORKLOAD_FILE) && opened.contains("usr/bin/cat"), "the workload ran: " + opened);
        long openedBytes = 0;
        for (String path : opened) {
            openedBytes += Files.size(sourceRoot.resolve(path));
        }

        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--prefetch", "prioritized", "--cache-dir", work.resolve("cache").toString(),
                    optimized, mnt.toString());
            JsonNode status = StrataCli.awaitPrefetchDone(mnt);
            for (JsonNode layer : status.path("layers")) {
                assertEquals("estargz", layer.path("format").asText(), layer.toString());
            }
            JsonNode prefetch = status.path("prefetch");
            assertEquals(opened.size(), prefetch.path("filesDone").asLong(), opened + " " + prefetch);
            assertEquals(openedBytes, prefetch.path("bytesDone").asLong(), opened + " " + prefetch);
            long fetched = totalFetched(status);
            JsonNode sink = status.path("layers").get(1);
            assertTrue(sink.path("bytesFetched").asLong() < sink.path("size").asLong() / 20,
                    "of the kitchen sink layer only etc/hello is prioritized, not big.bin: " + sink);

            assertEquals("hello\n", Files.readString(mnt.resolve(WORKLOAD_FILE)));
            assertArrayEquals(Files.readAllBytes(sourceRoot.resolve("usr/bin/cat")),
                    Files.readAllBytes(mnt.resolve("usr/bin/cat")));
            assertEquals(fetched, totalFetched(StrataCli.status(mnt)), "the workload's files were all prefetched");

            assertFalse(Files.exists(mnt.resolve(".prefetch.landmark"), LinkOption.NOFOLLOW_LINKS));
            assertNoDiff("the unpack of the source image", TreeSnapshot.of(mnt, true), sourceRoot);
            System.out.printf("CtrRemoteEStargzIT optimize: the workload opened %s; prefetched %d files, %d bytes"
                    + " (%d fetched in all); ctr-remote optimize+push %d ms%n", opened, opened.size(), openedBytes,
                    fetched, optimizing / 1_000_000);
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    /**
     * What umoci makes of the pushed eStargz image, minus the two entries that only a reader unaware of eStargz
     * shows: the landmark file and the TOC (both checked to be there, so that the comparison means something).
     */
    private Path unpackWithoutLandmarks(String image, String name) throws Exception {
        Path layout = work.resolve("layout-" + name);
        Shell.run("skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + image, "oci:" + layout + ":v1");
        Path bundle = work.resolve("bundle-" + name);
        Shell.run("umoci", "unpack", "--image", layout + ":v1", bundle.toString());
        Path root = bundle.resolve("rootfs");
        for (String extra : List.of(".no.prefetch.landmark", "stargz.index.json")) {
            assertTrue(Files.isRegularFile(root.resolve(extra)), "umoci shows " + extra + " of the eStargz layers");
            Files.delete(root.resolve(extra));
        }
        return root;
    }

    private static void assertNoDiff(String what, TreeSnapshot mounted, Path expectedRoot) throws Exception {
        TreeSnapshot expected = TreeSnapshot.of(expectedRoot, true);
        assertNotEquals(0, expected.facts().size());
        List<String> diff = mounted.diff(expected, 40);
        assertTrue(diff.isEmpty(), "the mounted ctr-remote image differs from " + what + ":\n" + String.join("\n", diff));
    }

    /** The distinct paths of a {@code ctr-remote --record-out} file (one JSON object per line). */
    private static Set<String> recordedPaths(Path record) throws Exception {
        Set<String> paths = new LinkedHashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(record)) {
            if (!line.isBlank()) {
                paths.add(json.readTree(line).path("path").asText());
            }
        }
        return paths;
    }

    private static long totalFetched(JsonNode status) {
        long sum = 0;
        for (JsonNode layer : status.path("layers")) {
            sum += layer.path("bytesFetched").asLong();
        }
        return sum;
    }
}
