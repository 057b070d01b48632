package io.strata.fs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fetcher.testing.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata build} end to end, on a real registry: a Dockerfile with ENV, WORKDIR, RUN, COPY, CMD and LABEL built
 * FROM the debootstrapped Debian image (eStargz, so that it can be read lazily). The oracles are {@code skopeo copy}
 * and {@code umoci unpack} of the result, run in a chroot; the build's own counters say how much of the base it
 * fetched; a rebuild must be all CACHED and give the same manifest.
 */
class BuildIT {

    private static final Map<String, String> EPOCH = Map.of("SOURCE_DATE_EPOCH", "1700000000");
    private static final Pattern MANIFEST = Pattern.compile("(?m)^manifest (sha256:[0-9a-f]{64})$");
    private static final Pattern FETCHED = Pattern.compile("base fetched .* \\(([0-9.]+) %; (\\d+) of (\\d+) bytes\\)");
    private static final Pattern CACHED = Pattern.compile("(?m)^--> CACHED ");

    private static LocalRegistry registry;
    private static String base;

    @TempDir
    Path work;

    @BeforeAll
    static void baseImage() throws Exception {
        Path layout = DebootstrapImage.estargzLayout();
        registry = LocalRegistry.start();
        base = registry.host() + "/it/debian:base";
        StrataCli.run("copy", "oci:" + layout + ":base", base);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void nothingLeftMounted() throws Exception {
        String mounts = Files.readString(Path.of("/proc/mounts"));
        assertFalse(mounts.contains(work.toString()),
                "a build left a mount behind:\n" + mounts);
        Path runs = work.resolve("cache/build-tmp");
        if (Files.isDirectory(runs)) {
            try (Stream<Path> left = Files.list(runs)) {
                assertEquals(List.of(), left.toList(), "a RUN left its directory behind");
            }
        }
    }

    /*
     * context/  Dockerfile  app/ { hello.txt, sub/ { tool.sh (0755) }, link -> hello.txt }
     */
    @Test
    void build_debianWithRunCopyEnvWorkdirCmd_runsFetchesLittleAndRebuildsFromCache() throws Exception {
        Path context = Files.createDirectories(work.resolve("context/app/sub"));
        context = work.resolve("context");
        Files.writeString(context.resolve("app/hello.txt"), "hello from the context\n");
        Files.writeString(context.resolve("app/sub/tool.sh"), "#!/bin/sh\necho tool\n");
        Files.setPosixFilePermissions(context.resolve("app/sub/tool.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(context.resolve("app/link"), Path.of("hello.txt"));
        Files.writeString(context.resolve("Dockerfile"), """
                # built by BuildIT
                FROM %s
                ENV GREETING=hello \\
                    PLACE="the build"
                WORKDIR /work/dir
                RUN echo hi > /hello && useradd -m builder && echo "$GREETING from $(pwd)" > greeting
                COPY --chown=builder:builder app /opt/app/
                COPY ["app/hello.txt", "/bin/"]
                CMD ["/bin/sh", "-c", "cat /hello"]
                LABEL org.example.built-by=strata
                """.formatted(base));
        String target = registry.host() + "/it/debian:built"; // the base's repository: no base layer is copied

        long t0 = System.nanoTime();
        String first = build(context, target);
        double firstSeconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(first.contains("STEP 4/8: RUN echo hi > /hello"), first);
        assertFalse(CACHED.matcher(first).find(), first);
        assertFalse(first.contains("base layers the target lacked"), first);
        Matcher fetched = find(FETCHED, first);
        long bytes = Long.parseLong(fetched.group(2));
        long size = Long.parseLong(fetched.group(3));
        assertTrue(bytes > 0 && bytes < size * 0.30, "the build fetched " + bytes + " of the base's " + size + " bytes");
        String digest = find(MANIFEST, first).group(1);

        Path layout = work.resolve("out");
        Shell.run("skopeo", "copy", "--src-tls-verify=false", "docker://" + target, "oci:" + layout + ":built");
        Path bundle = work.resolve("bundle");
        Shell.run("umoci", "unpack", "--image", layout + ":built", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        assertEquals("hi\nhello from /work/dir\n1000\n",
                Shell.run("chroot", rootfs.toString(), "/bin/sh", "-c", "cat /hello /work/dir/greeting; id -u builder"));
        assertEquals("1000:1000 644 hello from the context\n1000:1000 755 tool\n", Shell.run("chroot", rootfs.toString(),
                "/bin/sh", "-c", "stat -c '%u:%g %a' /opt/app/hello.txt | tr '\\n' ' '; cat /opt/app/hello.txt;"
                        + " stat -c '%u:%g %a' /opt/app/sub/tool.sh | tr '\\n' ' '; /opt/app/sub/tool.sh"));
        assertEquals("hello.txt", Files.readSymbolicLink(rootfs.resolve("opt/app/link")).toString());
        assertTrue(Files.isSymbolicLink(rootfs.resolve("bin")), "COPY to /bin/ must go through the image's symlink");
        assertEquals("hello from the context\n", Files.readString(rootfs.resolve("usr/bin/hello.txt")));
        assertTrue(Files.isDirectory(rootfs.resolve("home/builder"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(rootfs.resolve("proc/self"), LinkOption.NOFOLLOW_LINKS));
        Shell.run("rm", "-rf", bundle.toString()); // its absolute symlinks would make @TempDir's cleanup noisy

        JsonNode config = configOf(layout);
        JsonNode run = config.path("config");
        assertTrue(run.path("Env").toString().contains("\"GREETING=hello\",\"PLACE=the build\""), run.toString());
        assertEquals("/work/dir", run.path("WorkingDir").asText());
        assertEquals("[\"/bin/sh\",\"-c\",\"cat /hello\"]", run.path("Cmd").toString());
        assertEquals("strata", run.path("Labels").path("org.example.built-by").asText());
        JsonNode history = config.path("history");
        assertEquals(1 + 7, history.size(), history.toString());
        assertEquals(List.of(true, true, false, false, false, true, true), Stream.of(1, 2, 3, 4, 5, 6, 7)
                .map(i -> history.get(i).path("empty_layer").asBoolean(false)).toList());
        assertEquals(4, config.path("rootfs").path("diff_ids").size());
        assertEquals("2023-11-14T22:13:20Z", config.path("created").asText());

        t0 = System.nanoTime();
        String second = build(context, target);
        double cachedSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(7, CACHED.matcher(second).results().count(), second);
        assertEquals(digest, find(MANIFEST, second).group(1), "an unchanged build gives the same image");

        Files.writeString(context.resolve("app/hello.txt"), "changed\n");
        String third = build(context, target);
        assertEquals(3, CACHED.matcher(third).results().count(), "ENV, WORKDIR and RUN come from the cache:\n" + third);
        assertTrue(third.contains("STEP 5/8: COPY --chown=builder:builder app /opt/app/\n--> sha256:"), third);
        assertNotEquals(digest, find(MANIFEST, third).group(1));

        String cleared = StrataCli.run("cache", "clear", "--cache-dir", cache().toString());
        assertTrue(cleared.contains(" build steps"), cleared);
        try (Stream<Path> steps = Files.list(cache().resolve("build-steps"))) {
            assertEquals(0, steps.count(), cleared);
        }
        System.out.printf("BuildIT: first build %.1f s (base fetched %d of %d bytes, %s %%), cached rebuild %.1f s%n",
                firstSeconds, bytes, size, fetched.group(1), cachedSeconds);
    }

    @Test
    void build_badInstructionsAndFailingRun_failNamingTheLine() throws Exception {
        Path context = Files.createDirectories(work.resolve("bad"));
        Path dockerfile = context.resolve("Dockerfile");

        Files.writeString(dockerfile, "FROM " + base + "\nADD app /app\n");
        StrataCli.Result unsupported = StrataCli.exec("build", "--cache-dir", cache().toString(), context.toString());
        assertEquals(1, unsupported.exitCode(), unsupported.output());
        assertTrue(unsupported.output().contains(dockerfile + ":2: ADD is not supported by strata build"),
                unsupported.output());

        Files.writeString(dockerfile, "FROM scratch\nCOPY ../outside /\n");
        StrataCli.Result outside = StrataCli.exec("build", "--cache-dir", cache().toString(), context.toString());
        assertEquals(1, outside.exitCode(), outside.output());
        assertTrue(outside.output().contains(":2: COPY source '../outside' is outside the build context"),
                outside.output());

        Files.writeString(dockerfile, "FROM " + base + "\nENV A=1\nRUN echo failing && exit 3\n");
        StrataCli.Result failing = StrataCli.exec("build", "--cache-dir", cache().toString(), "-t",
                registry.host() + "/it/never:v1", context.toString());
        assertEquals(2, failing.exitCode(), failing.output());
        assertTrue(failing.output().contains("failing\n"), "the command's output is shown: " + failing.output());
        assertTrue(failing.output().contains(dockerfile + ":3: RUN echo failing && exit 3 failed: the command exited"
                + " with status 3"), failing.output());
        StrataCli.Result missing = StrataCli.exec("inspect", registry.host() + "/it/never:v1");
        assertEquals(2, missing.exitCode(), "nothing is pushed when a step fails: " + missing.output());
    }

    @Test
    void build_runAsNonRoot_refusedSayingWhy() throws Exception {
        Path dir = Files.createTempDirectory("strata-build-nonroot"); // @TempDir is 0700: nobody could not enter
        try {
            Shell.run("chmod", "755", dir.toString());
            Path context = Files.createDirectories(dir.resolve("context"));
            Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nRUN true\n");
            Path cache = Files.createDirectories(dir.resolve("cache"));
            Shell.run("chown", "nobody", cache.toString());
            List<String> command = new java.util.ArrayList<>(List.of("runuser", "-u", "nobody", "--", "env",
                    "HOME=/tmp"));
            command.addAll(StrataCli.command("build", "--cache-dir", cache.toString(), context.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), out);
            assertTrue(out.contains(":2: RUN needs root"), out);
        } finally {
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    private String build(Path context, String target) throws Exception {
        return StrataCli.runWithEnv(EPOCH, "build", "--cache-dir", cache().toString(), "-f",
                context.resolve("Dockerfile").toString(), "-t", target, context.toString());
    }

    /** Each test has a cache of its own: what a build fetches of the base is measured from nothing. */
    private Path cache() {
        return work.resolve("cache");
    }

    private static JsonNode configOf(Path layout) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path blobs = layout.resolve("blobs/sha256");
        String manifest = json.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest")
                .asText().substring("sha256:".length());
        String config = json.readTree(blobs.resolve(manifest).toFile()).path("config").path("digest").asText();
        return json.readTree(blobs.resolve(config.substring("sha256:".length())).toFile());
    }

    private static Matcher find(Pattern p, String out) {
        Matcher m = p.matcher(out);
        assertTrue(m.find(), "no " + p + " in:\n" + out);
        return m;
    }
}
