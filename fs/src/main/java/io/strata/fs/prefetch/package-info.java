/**
 * Background prefetch of a mounted image: after the mount answers, one daemon thread reads the files a workload
 * is expected to need (an eStargz layer's prioritized files, or a profile recorded by {@code strata record}) and,
 * in mode {@code all}, every other file in layer-blob order, through the same content path as FUSE reads so that
 * every byte is verified and lands in the chunk cache. Foreground reads always go first: {@link
 * io.strata.fs.prefetch.ForegroundReads} counts them and the prefetcher waits while any is in flight.
 */
package io.strata.fs.prefetch;
