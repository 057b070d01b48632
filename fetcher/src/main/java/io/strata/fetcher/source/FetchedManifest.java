package io.strata.fetcher.source;

import io.strata.fetcher.image.Digest;

/**
 * The exact bytes of a manifest or image index as served, with its media type and digest (the digest of the
 * bytes, which is what a reference by digest and a child descriptor name).
 */
public record FetchedManifest(String mediaType, Digest digest, byte[] body) {
}
