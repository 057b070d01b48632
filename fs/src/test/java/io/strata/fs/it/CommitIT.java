package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.testing.LocalRegistry;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata commit} end to end: an upper directory built by hand in the writable mount's format is committed
 * onto a base image in a real registry, to the registry and to an OCI layout. The oracle is the base unpacked by
 * umoci with the same changes applied by shell ({@code rm} for the deletions, GNU tar for the rest); both
 * {@code umoci unpack} and {@code strata mount} of the committed image must show exactly that tree.
 */
class CommitIT {

    private static final String EPOCH = "1700000000";
    private static final Pattern MANIFEST = Pattern.compile("manifest  (sha256:[0-9a-f]{64})");
    private static final Pattern LAYER = Pattern.compile("layer     (sha256:[0-9a-f]{64}) (\\d+) bytes");

    private static LocalRegistry registry;
    /** Built once for every test: the base image, the upper directory on it, and the expected merged tree. */
    private static String base;
    private static Path upperDir;
    private static Path expected;

    @TempDir
    static Path shared;

    @TempDir
    Path work;

    /*
     * base:   etc/{config,passwd}  gone.txt  gonedir/sub/f  opaque/{old/file,x}  keep/file
     * upper/: etc/config (changed)  etc/.wh.passwd  .wh.gone.txt  .wh.gonedir  opaque/{.wh..wh..opq,new}
     *         new/{tool (4755, security.capability, user.comment), a + b (hardlinks), link -> ../etc/config,
     *              fifo, null (char 1:3), sock (socket: skipped)}
     */
    @BeforeAll
    static void fixture() throws Exception {
        registry = LocalRegistry.start();
        base = baseImage();
        upperDir = upperDirectory(base);
        expected = expectedTree(upperDir);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void commit_upperDirectory_umociAndMountShowBaseWithChanges() throws Exception {
        Path dir = upperDir;
        Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", EPOCH);

        String toRegistry = registry.host() + "/it/committed:v2";
        String out = StrataCli.runWithEnv(env, "commit", "--cache-dir", cache(), "-m", "my change", dir.toString(), toRegistry);
        assertTrue(out.contains("skipped 1 socket(s): new/sock"), out);
        Path layout = work.resolve("committed-layout");
        String outLayout = StrataCli.runWithEnv(env, "commit", "--cache-dir", cache(), "-m", "my change", dir.toString(),
                "oci:" + layout + ":v2");
        assertEquals(find(LAYER, out), find(LAYER, outLayout), "the same upper directory gives the same layer");
        assertEquals(find(MANIFEST, out), find(MANIFEST, outLayout), "and with SOURCE_DATE_EPOCH, the same image");

        Path unpacked = work.resolve("bundle-committed");
        Shell.run("umoci", "unpack", "--image", layout + ":v2", unpacked.toString());
        assertSameTree(expected, unpacked.resolve("rootfs"), "umoci unpack of the committed image");

        JsonNode config = configOf(layout);
        JsonNode last = config.path("history").get(config.path("history").size() - 1);
        assertEquals("strata commit", last.path("created_by").asText());
        assertEquals("my change", last.path("comment").asText());
        assertEquals("2023-11-14T22:13:20Z", last.path("created").asText());
        assertEquals(2, config.path("rootfs").path("diff_ids").size());

        Path mnt = Files.createDirectories(work.resolve("mnt"));
        try {
            StrataCli.run("mount", "--cache-dir", cache(), toRegistry, mnt.toString());
            assertSameTree(expected, mnt, "strata mount of the committed image");
            StrataCli.Result notWritable = StrataCli.exec("commit", "--cache-dir", cache(), mnt.toString(), toRegistry);
            assertEquals(1, notWritable.exitCode(), notWritable.output());
            assertTrue(notWritable.output().contains("is not a writable mount"), notWritable.output());
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void commit_estargz_mountsLazilyWithSameTree() throws Exception {
        Path dir = upperDir;
        String target = registry.host() + "/it/committed-esgz:v1";
        String out = StrataCli.run("commit", "--cache-dir", cache(), "--format", "estargz", dir.toString(), target);
        assertTrue(out.contains("estargz"), out);
        Path mnt = Files.createDirectories(work.resolve("mnt-esgz"));
        try {
            StrataCli.run("mount", "--cache-dir", work.resolve("cache-esgz").toString(), target, mnt.toString());
            JsonNode layers = new ObjectMapper().readTree(StrataCli.run("status", "--json", mnt.toString())).path("layers");
            assertEquals("estargz", layers.get(1).path("format").asText(), layers.toString());
            assertTrue(layers.get(1).path("lazy").asBoolean(), layers.toString());
            assertSameTree(expected, mnt, "strata mount of the eStargz commit");
        } finally {
            StrataCli.umountQuietly(mnt);
        }
    }

    @Test
    void commit_baseOtherThanRecorded_refusedSayingWhy() throws Exception {
        Path dir = upperDir;
        TestLayout other = new TestLayout(work.resolve("layout-other"));
        other.addLayer(LayerTar.make(work, "other", "pax", "echo other > other"), TestLayout.Compression.GZIP).finish("v1");
        String otherImage = other.pushTo(registry, "commit-other");
        StrataCli.Result r = StrataCli.exec("commit", "--cache-dir", cache(), "--base", otherImage, dir.toString(),
                registry.host() + "/it/never:v1");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("omit --base to commit onto the recorded image"), r.output());
    }

    private static String baseImage() throws Exception {
        TestLayout layout = new TestLayout(shared.resolve("layout-base"));
        layout.addLayer(LayerTar.make(shared, "base", "pax", """
                mkdir -p etc gonedir/sub opaque/old keep
                echo base > etc/config; echo root:x:0:0 > etc/passwd; echo gone > gone.txt; echo f > gonedir/sub/f
                echo old > opaque/old/file; echo x > opaque/x; echo keep > keep/file
                """), TestLayout.Compression.GZIP).finish("v1");
        return layout.pushTo(registry, "commit-base");
    }

    /** DIR/upper (the changes), DIR/work (junk to ignore), DIR/strata-upper.json naming the base. */
    private static Path upperDirectory(String base) throws Exception {
        Path dir = Files.createDirectories(shared.resolve("upperdir"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        Files.writeString(dir.resolve("work/junk"), "not part of the layer");
        Shell.run(upper, "bash", "-euo", "pipefail", "-c", """
                mkdir -p etc opaque new
                echo changed > etc/config; : > etc/.wh.passwd; : > .wh.gone.txt; : > .wh.gonedir
                : > opaque/.wh..wh..opq; echo new > opaque/new
                printf '#!/bin/sh\\necho hi\\n' > new/tool; chmod 4755 new/tool
                setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= new/tool
                setfattr -n user.comment -v 'some text' new/tool
                echo shared > new/a; ln new/a new/b; chown 1000:1000 new/a
                ln -s ../etc/config new/link; mkfifo new/fifo; mknod new/null c 1 3
                """);
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(upper.resolve("new/sock")));
        }
        Digest manifest = Digest.parse(new ObjectMapper().readTree(StrataCli.run("inspect", "--json", base))
                .path("manifestDigest").asText());
        Files.writeString(dir.resolve("strata-upper.json"),
                "{\"version\":1,\"image\":\"" + base + "\",\"manifestDigest\":\"" + manifest + "\"}");
        return dir;
    }

    /** umoci's unpack of the base with the changes applied by shell: deletions by rm, the rest by GNU tar. */
    private static Path expectedTree(Path dir) throws Exception {
        Path rootfs = new TestLayout(shared.resolve("layout-base")).unpack(shared.resolve("bundle-expected"));
        Shell.run(rootfs, "bash", "-euo", "pipefail", "-c", "rm -rf etc/passwd gone.txt gonedir opaque/*");
        Shell.bash("tar -C " + dir.resolve("upper") + " --exclude='.wh.*' --xattrs --xattrs-include='*' -cf - . 2>/dev/null"
                + " | tar -C " + rootfs + " --xattrs --xattrs-include='*' --numeric-owner -xpf -");
        return rootfs;
    }

    private static void assertSameTree(Path expected, Path actual, String what) throws Exception {
        TreeSnapshot want = TreeSnapshot.of(expected, true);
        List<String> diff = TreeSnapshot.of(actual, true).diff(want, 40);
        assertTrue(diff.isEmpty(), what + " differs from the base with the changes applied:\n" + String.join("\n", diff));
        assertTrue(want.facts().containsKey("new/tool") && !want.facts().containsKey("etc/passwd"), want.facts().keySet().toString());
        assertNotEquals(null, want.facts().get("new/tool").xattrs().get("security.capability"));
    }

    private static JsonNode configOf(Path layout) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode index = json.readTree(layout.resolve("index.json").toFile());
        Path blobs = layout.resolve("blobs/sha256");
        String manifest = index.path("manifests").get(0).path("digest").asText().substring("sha256:".length());
        String config = json.readTree(blobs.resolve(manifest).toFile()).path("config").path("digest").asText();
        return json.readTree(blobs.resolve(config.substring("sha256:".length())).toFile());
    }

    /** One cache for every commit and mount of the class (the cache is shared by design). */
    private static String cache() {
        return shared.resolve("cache").toString();
    }

    private static String find(Pattern p, String out) {
        Matcher m = p.matcher(out);
        assertTrue(m.find(), "no " + p + " in:\n" + out);
        return m.group(0);
    }
}
