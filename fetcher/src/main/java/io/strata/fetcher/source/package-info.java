/**
 * Where blobs come from: {@link io.strata.fetcher.source.BlobSource} and its media, opened by
 * {@link io.strata.fetcher.source.BlobSources} — an OCI distribution registry over OkHttp (auth, retries,
 * range reads, uploads) and a local OCI image layout directory; pushing through
 * {@link io.strata.fetcher.source.BlobSink}. On top: {@link io.strata.fetcher.source.ImageResolver} (reference →
 * checked manifest, config and layers for one platform) and {@link io.strata.fetcher.source.ImageCopier}
 * (image between sources, digests preserved). Every whole blob read is verified at EOF.
 */
package io.strata.fetcher.source;
