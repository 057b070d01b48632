package io.strata.fs.mount;

import java.util.concurrent.CompletableFuture;

/**
 * Who is told when a mount starts answering, or why it never will. A mount process spawned by
 * {@code strata mount} tells its parent through a ready file ({@link MountDaemon#parentReadiness()}); a mount
 * served inside the resident service tells the waiting request through a future ({@link #completing}).
 */
public interface MountReadiness {

    /** The mount answers. */
    void ready();

    /** The mount failed before answering; {@code reason} is one line for the user. */
    void failed(String reason);

    /** Completes {@code future} on {@link #ready()}, fails it with a {@link MountException} on {@link #failed}. */
    static MountReadiness completing(CompletableFuture<Void> future) {
        return new MountReadiness() {
            @Override
            public void ready() {
                future.complete(null);
            }

            @Override
            public void failed(String reason) {
                future.completeExceptionally(new MountException(reason));
            }
        };
    }
}
