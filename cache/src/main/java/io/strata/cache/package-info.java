/**
 * Where fetched content is kept on this host. Knows bytes, keys and files only: no HTTP, no tar, no FUSE.
 * {@link io.strata.cache.FileStore} keeps whole files (layer indexes, whole-layer content) under a cache
 * directory with atomic, crash-safe publication.
 */
package io.strata.cache;
