/**
 * The writable container layer, in userspace: {@code strata mount --writable [--upper DIR] IMAGE MNT} serves the
 * image's layers with an upper directory on top, like kernel overlayfs with the image as its lower layer.
 *
 * <h2>The upper directory (format version 1; {@code strata commit} reads it)</h2>
 * <pre>
 * DIR/
 * ├── strata-upper.json   {"version":1, "image":"&lt;reference as given&gt;", "manifestDigest":"sha256:..."}
 * ├── upper/              the changed entries at their paths: the layer's change set in OCI terms
 * └── work/               temporary files, on the same filesystem as upper/
 * </pre>
 * <ul>
 *   <li>{@code strata-upper.json} is written at the first mount (atomically). A later mount of DIR must resolve to
 *       the same manifest digest, else it is refused with both digests; the same one continues the changes.</li>
 *   <li>{@code upper/} holds every entry that was created or changed, at its path, with its real type, mode,
 *       owner, times and extended attributes (every namespace: {@code security.capability} too). {@code upper/}
 *       itself carries the image root's metadata. A directory that is only on the way to a changed entry is in
 *       {@code upper/} with its lower directory's metadata (and times: copy-ups do not touch a parent's mtime).</li>
 *   <li>Deletions are OCI whiteout files: an empty regular file {@code .wh.NAME} next to where {@code NAME} was,
 *       written only when a lower layer has {@code NAME}. A directory whose lower children are hidden (removed,
 *       then made again) contains an empty file {@code .wh..wh..opq}. {@code .wh.NAME} and {@code NAME} together
 *       (only after a crash at the wrong moment) mean {@code NAME}, as in an OCI layer. Names starting with
 *       {@code .wh.} cannot be created through the mount (EINVAL) and never show in it.</li>
 *   <li>{@code work/} is emptied by each mount; nothing there is part of the change set.</li>
 *   <li>A mount holds an exclusive {@code flock} on DIR while it runs: a second mount of DIR is refused.</li>
 *   <li>Without {@code --upper}, DIR is {@code <cache dir>/../strata-containers/<16 hex digits of sha256 of the
 *       absolute mount point>} ({@link io.strata.fs.writable.UpperDirectory#defaultFor}); {@code strata status}
 *       shows it ({@code upperDirectory} in its JSON).</li>
 * </ul>
 *
 * <h2>Semantics (as overlayfs with {@code index=off}, {@code redirect_dir=off}, {@code metacopy=off})</h2>
 * <ul>
 *   <li>Copy-up: a lower entry is copied to {@code upper/} on its first write, truncate, open for writing,
 *       chmod, chown, utimens, setxattr/removexattr, link or rename — the entry alone, plus the directories above
 *       it that {@code upper/} lacks, never a subtree. A file is streamed through the layers' content reader in
 *       1 MiB pieces (holes of sparse files stay holes) into {@code work/}, fsynced and renamed into place, so a
 *       crash never leaves a partial file in {@code upper/}. An open with O_TRUNC copies no content.</li>
 *   <li>Hardlinks: copying up one name of a lower hardlink group breaks the link (the other names keep the
 *       lower file). Links made in the mount are real hardlinks in {@code upper/}.</li>
 *   <li>Renaming a directory that has content in the lower layers fails with EXDEV ({@code mv} then copies and
 *       deletes, as on overlayfs without {@code redirect_dir}); directories made in the mount and all files can
 *       be renamed.</li>
 *   <li>A file opened read-only before it was copied up keeps reading the lower content. A file unlinked while
 *       open stays readable, writable and statable through its descriptors and leaves nothing in {@code upper/}
 *       ({@code HiddenFiles}; a rename by the user to a {@code .fuse_hidden*} name is taken
 *       for libfuse's and unlinks the file).</li>
 *   <li>Inode numbers: see {@code Overlay}; the same upper directory shows the same
 *       numbers after a remount.</li>
 *   <li>Durability: data is written straight to the upper files; a killed mount loses nothing the kernel had
 *       accepted, a host crash loses what was not fsynced. Every namespace change keeps {@code upper/} a valid
 *       change set at each step; after unmount and remount the tree is exactly the same.</li>
 *   <li>Limits: names of 252 to 255 bytes that exist in a lower layer cannot be deleted ({@code .wh.NAME} would
 *       exceed the host's 255-byte name limit: ENAMETOOLONG). A writable mount needs root (files of every owner
 *       are created in {@code upper/}).</li>
 * </ul>
 *
 * <p>Concurrency: one read-write lock for the tree (lookups share it, namespace changes and the namespace steps of
 * a copy-up take it alone); file content moves outside it. Classes: {@link io.strata.fs.writable.UpperDirectory}
 * (the format on disk), {@code UpperTree}/{@code DirState} (what {@code upper/} holds, loaded lazily),
 * {@code MergedView} (lookup and listing by the OCI rules), {@code CopyUp}, {@code Namespace} (create, remove,
 * rename, whiteouts), {@code Overlay} (the merged tree the adapter calls), {@code HandleTable} (open files),
 * {@code HiddenFiles} (files unlinked while open),
 * {@link io.strata.fs.writable.WritableFs} (the FUSE adapter), {@code HostFs}/{@code Libc} (the host calls).
 */
package io.strata.fs.writable;
