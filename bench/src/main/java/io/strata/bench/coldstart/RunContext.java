package io.strata.bench.coldstart;

import java.nio.file.Path;

/**
 * What a {@link Mode} needs for one run.
 *
 * @param strata     the strata command line
 * @param proc       runs the other tools (skopeo, umoci)
 * @param linkHost   the registry as the timed phases reach it: through the emulated link when there is one
 * @param directHost the registry itself, for untimed preparation
 * @param image      the image in the registry
 * @param workload   what will run
 * @param workDir    the image's working directory (caches, unpacked trees), kept across its runs
 * @param mountpoint where strata modes mount
 * @param service    whether strata mounts are served by a resident {@code strata service}
 */
record RunContext(StrataCli strata, Proc proc, String linkHost, String directHost, Publisher.Published image,
                  Workload workload, Path workDir, Path mountpoint, boolean service) {
}
