/**
 * The FUSE binding: {@link io.strata.fs.fuse.StrataFs} answers the kernel's requests (through jnr-fuse and
 * libfuse 2) from a {@link io.strata.fs.fuse.MergedTree} and a {@link io.strata.fs.fuse.ContentReader}. It holds
 * no logic of its own beyond translating nodes to {@code stat} structures and exceptions to errno values: it is
 * the only place where an exception becomes an errno, and nothing escapes into libfuse.
 *
 * <p>{@link io.strata.fs.fuse.FuseFilesystem} is what a mount serves (this read-only filesystem or the writable one
 * of {@code io.strata.fs.writable}); {@link io.strata.fs.fuse.FileStats} and {@link io.strata.fs.fuse.FuseReplies}
 * hold the conventions both share (a node as {@code struct stat}, directory entries, the xattr size protocol,
 * readlink's buffer, reads of a node's content).
 */
package io.strata.fs.fuse;
