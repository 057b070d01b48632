package io.strata.bench.coldstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The baseline: what users do today without a snapshotter. {@code skopeo copy} pulls every layer into an OCI layout,
 * {@code umoci unpack} extracts them into a root filesystem, and the workload runs in a chroot of it.
 */
final class LegacyMode implements Mode {

    private static final Duration TIMEOUT = Duration.ofMinutes(60);

    @Override
    public String name() {
        return "legacy";
    }

    @Override
    public String description() {
        return "skopeo copy (full pull) + umoci unpack, then chroot";
    }

    @Override
    public Set<Format> needs() {
        return Set.of(Format.PLAIN);
    }

    @Override
    public Session open(RunContext ctx) throws IOException {
        Path dir = ctx.workDir().resolve("legacy");
        ImageBuilder.deleteTree(dir);
        Files.createDirectories(dir);
        String ref = ctx.image().ref(ctx.linkHost(), Format.PLAIN, ctx.workload());
        return new Session() {
            private final Map<String, Double> detail = new LinkedHashMap<>();

            @Override
            public Path start() throws IOException {
                Proc.Result pull = ctx.proc().check(List.of("skopeo", "copy", "-q", "--src-tls-verify=false",
                        "docker://" + ref, "oci:" + dir.resolve("layout") + ":latest"), TIMEOUT);
                detail.put("pull", pull.seconds());
                Proc.Result unpack = ctx.proc().check(List.of("umoci", "unpack", "--image",
                        dir.resolve("layout") + ":latest", dir.resolve("bundle").toString()), TIMEOUT);
                detail.put("unpack", unpack.seconds());
                return dir.resolve("bundle").resolve("rootfs");
            }

            @Override
            public Map<String, Double> detail() {
                return detail;
            }

            @Override
            public void close() throws IOException {
                ImageBuilder.deleteTree(dir);
            }
        };
    }
}
