package io.strata.fs.build;

import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ImageConfig;
import io.strata.fetcher.image.ResolvedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The image as it stands after a step: the base plus the layers and configuration the steps so far added.
 *
 * @param image      the state, resolved (its manifest and config are in the build cache's layout, or it is the base)
 * @param baseLayers how many of its layers are the base's (read from the base's repository; the rest are local)
 */
record BuildState(ResolvedImage image, int baseLayers) {

    /** Docker's default when an image sets no PATH. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    Digest manifestDigest() {
        return image.manifestDigest();
    }

    /** The image's environment ({@code Env}), in order. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        ImageConfig.RunConfig run = image.config().config();
        List<String> list = run == null || run.env() == null ? List.of() : run.env();
        for (String entry : list) {
            int eq = entry.indexOf('=');
            env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
        }
        return env;
    }

    /** The working directory, {@code /} when unset. */
    String workdir() {
        ImageConfig.RunConfig run = image.config().config();
        String dir = run == null ? null : run.workingDir();
        return dir == null || dir.isEmpty() ? "/" : dir;
    }

    /** Whether the image has a {@code Cmd}. */
    boolean hasCmd() {
        ImageConfig.RunConfig run = image.config().config();
        return run != null && run.cmd() != null;
    }
}
