package io.strata.fs.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a layer tar with GNU tar from a shell script run in an empty staging directory, so fixtures carry
 * real metadata (owners, modes, devices, xattrs, sparse files) exactly as an image builder would archive it.
 */
final class LayerTar {
    private LayerTar() {
    }

    /** Archives everything the script creates, sorted by name, in {@code format} (pax, gnu, ustar). */
    static Path make(Path workDir, String name, String format, String script) throws IOException, InterruptedException {
        return makeOrdered(workDir, name, format, script, null);
    }

    /**
     * Archives the paths of {@code order} in exactly that order (no recursion), or the whole staging tree sorted
     * by name when {@code order} is null.
     */
    static Path makeOrdered(Path workDir, String name, String format, String script, List<String> order)
            throws IOException, InterruptedException {
        Path stage = Files.createDirectories(workDir.resolve("stage-" + name));
        Shell.run(stage, "bash", "-euo", "pipefail", "-c", script);
        Path tar = workDir.resolve(name + ".tar");
        List<String> cmd = new ArrayList<>(List.of("tar", "--format=" + format, "--numeric-owner", "-C", stage.toString(),
                "-cf", tar.toString()));
        if (!format.equals("ustar") && !format.equals("v7")) {
            cmd.add("--sparse");
        }
        if (format.equals("pax")) {
            cmd.addAll(List.of("--xattrs", "--xattrs-include=*"));
        }
        if (order == null) {
            cmd.addAll(List.of("--sort=name", "."));
        } else {
            cmd.add("--no-recursion");
            cmd.addAll(order);
        }
        Shell.run(cmd.toArray(String[]::new));
        return tar;
    }
}
