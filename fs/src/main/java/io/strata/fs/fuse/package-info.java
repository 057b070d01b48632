/**
 * The FUSE binding: {@link io.strata.fs.fuse.StrataFs} answers the kernel's requests (through jnr-fuse and
 * libfuse 2) from a {@link io.strata.fs.fuse.MergedTree} and a {@link io.strata.fs.fuse.ContentReader}. It holds
 * no logic of its own beyond translating nodes to {@code stat} structures and exceptions to errno values: it is
 * the only place where an exception becomes an errno, and nothing escapes into libfuse.
 */
package io.strata.fs.fuse;
