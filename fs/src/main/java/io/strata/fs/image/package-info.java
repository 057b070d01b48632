/**
 * An image made ready to mount: resolution of the reference, opening of every layer in parallel, the union of
 * their indexes, and the status a mount reports. The glue between {@code fetcher} and the FUSE binding.
 */
package io.strata.fs.image;
