/**
 * Where fetched content is kept on this host. Knows bytes, keys and files only: no HTTP, no tar, no FUSE.
 * {@link io.strata.cache.FileStore} keeps whole files (layer indexes, whole-layer content) under a cache
 * directory with atomic, crash-safe publication. {@link io.strata.cache.chunk} is the chunk cache that file
 * content is read through: memory over disk, single-flight loading, a size bound, sharing between processes.
 */
package io.strata.cache;
