package io.strata.fs.fuse;

import java.util.concurrent.CompletableFuture;
import ru.serce.jnrfuse.Mountable;

/**
 * A filesystem that {@code io.strata.fs.mount.FuseMount} can mount: the read-only {@link StrataFs} or the writable
 * {@code io.strata.fs.writable.WritableFs}.
 */
public interface FuseFilesystem extends Mountable {

    /** Completes when libfuse calls {@code init}, i.e. the kernel has connected and the mount answers. */
    CompletableFuture<Void> initialized();
}
