/**
 * Where blobs come from: {@link io.strata.fetcher.source.BlobSource} and its media, an OCI distribution
 * registry over OkHttp and a local OCI image layout directory; pushing through {@link io.strata.fetcher.source.BlobSink}.
 */
package io.strata.fetcher.source;
