package io.strata.fetcher.source;

/**
 * Receives what one caller's transfers cost: each request made and each byte received. The layer code
 * passes one per layer to feed {@code LayerStats}; implementations must be thread-safe and cheap.
 */
public interface TransferCounter {

    /** Counts nothing. */
    TransferCounter NONE = new TransferCounter() {
        @Override
        public void request() {
        }

        @Override
        public void add(long bytes) {
        }
    };

    /** One request was made to the source. */
    void request();

    /** {@code bytes} more bytes were received from the source. */
    void add(long bytes);
}
