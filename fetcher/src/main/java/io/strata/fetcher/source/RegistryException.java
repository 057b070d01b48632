package io.strata.fetcher.source;

import java.io.IOException;

/**
 * A registry refused a request, failed, or could not be reached. The message says what was asked and what
 * to do; it never contains credentials.
 */
public final class RegistryException extends IOException {
    private final int status;
    private final String errorCode;
    private final boolean retryable;

    /**
     * @param status    the HTTP status, or 0 when no response arrived
     * @param errorCode the registry's error code ({@code BLOB_UNKNOWN}, {@code DENIED}, ...), or null
     */
    public RegistryException(String message, int status, String errorCode, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The first error code of the registry's JSON error body (distribution spec), or null. */
    public String errorCode() {
        return errorCode;
    }

    /** True when trying the same request again later may succeed (5xx, 429, a dropped connection). */
    public boolean isRetryable() {
        return retryable;
    }
}
