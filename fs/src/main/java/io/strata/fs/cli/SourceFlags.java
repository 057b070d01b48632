package io.strata.fs.cli;

import io.strata.fetcher.image.Platform;
import io.strata.fetcher.source.SourceOptions;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Flags of every command that talks to a registry or a layout: which hosts may use plain HTTP, which platform. */
final class SourceFlags {

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Use plain HTTP for this registry (loopback registries always may). Repeatable.")
    List<String> insecureRegistries = List.of();

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", defaultValue = "linux/amd64",
            description = "Platform to pick from a multi-platform image (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--auth-file", paramLabel = "FILE",
            description = "Registry credentials (Docker config.json format); default $REGISTRY_AUTH_FILE, else ~/.docker/config.json.")
    Path authFile;

    SourceOptions toOptions() {
        SourceOptions options = SourceOptions.defaults()
                .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                .withPlatform(Platform.parse(platform));
        return authFile == null ? options : options.withAuthFile(authFile);
    }

    /** Makes a relative {@code --auth-file} absolute against the caller's working directory. */
    void resolveAgainst(Path workingDirectory) {
        if (authFile != null) {
            authFile = workingDirectory.resolve(authFile);
        }
    }
}
