/**
 * {@code strata commit}'s side in {@code fs}: what a container changed, as layer entries. An
 * {@link io.strata.fs.commit.UpperDirectory} is the upper directory of a writable mount ({@code upper/} with the
 * changed files, {@code strata-upper.json} naming the image below); {@link io.strata.fs.commit.UpperChanges}
 * walks {@code upper/} and maps it 1:1 onto entries for {@code io.strata.fetcher.layer.write.LayerWriter}: real
 * mode, owner, mtime and xattrs (all namespaces, read through libc), hardlinks by inode, whiteouts
 * ({@code .wh.NAME}, {@code .wh..wh..opq}) as the ordinary empty files the OCI layer format wants.
 */
package io.strata.fs.commit;
