package io.strata.bench.coldstart;

/** The forms in which an image is pushed to the private registry, as the modes under test need them. */
enum Format {
    /** The image as built: plain gzip layers (what {@code skopeo} pulls and strata fetches whole or indexes). */
    PLAIN,
    /** The plain image plus the lazy index {@code strata index} publishes next to it (an OCI 1.1 referrer). */
    INDEXED,
    /** {@code strata convert}: every layer rewritten as eStargz. */
    ESTARGZ,
    /** eStargz with the files {@code strata record} saw the workload open placed first (one image per workload). */
    ESTARGZ_OPTIMIZED
}
