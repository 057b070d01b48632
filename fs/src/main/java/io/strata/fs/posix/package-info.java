/**
 * The few C library calls Java NIO lacks, bound through jnr-ffi: the {@code *at} family (one name relative to a
 * directory descriptor, never a path through a symlink), {@code mknodat}, extended attributes with byte values,
 * owner and times of symlinks themselves, and in-kernel copies. Only {@code fs} binds native code for files
 * (DESIGN.md: "if a class needs {@code import jnr.*} it lives in {@code fs}"). {@link io.strata.fs.posix.Trees}
 * deletes and measures trees strata made (pull's snapshots, build's states) without crossing filesystems.
 */
package io.strata.fs.posix;
