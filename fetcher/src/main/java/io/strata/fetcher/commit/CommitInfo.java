package io.strata.fetcher.commit;

import java.time.Instant;

/**
 * What the history entry of a committed layer says.
 *
 * @param created   when (now, or {@code SOURCE_DATE_EPOCH} for reproducible images); also the config's {@code created}
 * @param createdBy the {@code created_by} text
 * @param comment   the {@code comment} text (the user's message), or null
 */
public record CommitInfo(Instant created, String createdBy, String comment) {
    public CommitInfo {
        if (created == null || createdBy == null) {
            throw new IllegalArgumentException("a commit needs a creation time and a created_by text");
        }
    }
}
