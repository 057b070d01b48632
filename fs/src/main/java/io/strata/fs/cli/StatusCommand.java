package io.strata.fs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.fs.mount.MountControl;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code strata status DIR}: what a mount serves and what it has cost so far, per layer. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a mount's image, process, log file and, per layer: format, lazy or whole (and why), "
                + "bytes fetched of the layer's size, requests, cache hits.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "the mount point")
    Path mountpoint;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String body = MountControl.status(mountpoint.toAbsolutePath());
        if (json) {
            System.out.println(body);
            return 0;
        }
        System.out.print(render(new ObjectMapper().readTree(body)));
        return 0;
    }

    static String render(JsonNode s) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "image       %s%n", s.path("image").asText()));
        out.append(String.format(Locale.ROOT, "manifest    %s (%s)%n", s.path("manifestDigest").asText(), s.path("platform").asText()));
        out.append(String.format(Locale.ROOT, "mountpoint  %s%n", s.path("mountpoint").asText()));
        out.append(String.format(Locale.ROOT, "process     pid %d, up %d s, %d inodes%n", s.path("pid").asLong(),
                s.path("uptimeSeconds").asLong(), s.path("inodes").asLong()));
        out.append(String.format(Locale.ROOT, "log         %s%n", s.path("logFile").asText("(stderr: --foreground)")));
        JsonNode upper = s.path("upperDirectory");
        out.append(String.format(Locale.ROOT, "writable    %s%n%n", upper.isTextual()
                ? "yes, changes in " + upper.asText() + "/upper" : "no (read-only)"));
        out.append(String.format(Locale.ROOT, "%-3s %-19s %-12s %-5s %10s %10s %7s %8s %6s %8s %s%n", "#", "layer",
                "format", "lazy", "fetched", "size", "fetch%", "requests", "hits", "entries", "media type"));
        long fetched = 0;
        long size = 0;
        StringBuilder reasons = new StringBuilder();
        for (JsonNode l : s.path("layers")) {
            fetched += l.path("bytesFetched").asLong();
            size += l.path("size").asLong();
            String digest = l.path("digest").asText();
            out.append(String.format(Locale.ROOT, "%-3d %-19s %-12s %-5s %10s %10s %7s %8d %6d %8d %s%n",
                    l.path("number").asInt(), digest.length() > 19 ? digest.substring(0, 19) : digest,
                    l.path("format").asText(), l.path("lazy").asBoolean() ? "yes" : "no",
                    Sizes.human(l.path("bytesFetched").asLong()), Sizes.human(l.path("size").asLong()),
                    Sizes.percent(l.path("bytesFetched").asLong(), l.path("size").asLong()), l.path("requests").asLong(),
                    l.path("cacheHits").asLong(), l.path("entries").asLong(), l.path("mediaType").asText()));
            if (!l.path("reason").isNull() && !l.path("reason").asText().isEmpty()) {
                reasons.append(String.format(Locale.ROOT, "  layer %d not lazy: %s%n", l.path("number").asInt(),
                        l.path("reason").asText()));
            }
        }
        out.append(String.format(Locale.ROOT, "%ntotal: fetched %s of %s image layers (%s) by this mount%n",
                Sizes.human(fetched), Sizes.human(size), Sizes.percent(fetched, size)));
        out.append(reasons);
        JsonNode p = s.path("prefetch");
        if (!p.isMissingNode() && !p.isNull()) {
            out.append(String.format(Locale.ROOT, "prefetch: %s (%s), %d of %d files, %s of %s%s%n",
                    p.path("state").asText(), p.path("mode").asText(), p.path("filesDone").asLong(),
                    p.path("filesPlanned").asLong(), Sizes.human(p.path("bytesDone").asLong()),
                    Sizes.human(p.path("bytesPlanned").asLong()),
                    p.path("filesFailed").asLong() > 0 ? ", " + p.path("filesFailed").asLong() + " failed (see the log)" : ""));
        }
        return out.toString();
    }
}
