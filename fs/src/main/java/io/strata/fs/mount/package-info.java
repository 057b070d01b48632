/**
 * The mount lifecycle: {@link io.strata.fs.mount.FuseMount} mounts a {@link io.strata.fs.fuse.StrataFs} and
 * unmounts it; {@link io.strata.fs.mount.MountRunner} serves a mount in the foreground (control socket, signals,
 * readiness); {@link io.strata.fs.mount.MountDaemon} starts that foreground process detached and waits until it
 * answers; {@link io.strata.fs.mount.MountControl} is the client of a running mount ({@code strata status},
 * {@code strata umount}). Per-mount state lives in a {@link io.strata.fs.mount.RuntimeDir}.
 */
package io.strata.fs.mount;
