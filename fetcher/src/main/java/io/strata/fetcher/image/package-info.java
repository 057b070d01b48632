/**
 * The OCI image model: value types ({@link io.strata.fetcher.image.Digest}, {@link io.strata.fetcher.image.ImageRef},
 * {@link io.strata.fetcher.image.Descriptor}) and Jackson records of manifests, image indexes and configs,
 * with Docker schema 2 media types accepted as equivalents. Pure data, no I/O.
 */
package io.strata.fetcher.image;
