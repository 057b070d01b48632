package io.strata.fs.mount;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What {@code mount.json} records about a running mount.
 *
 * @param pid           the mount process
 * @param image         the image reference as the user gave it
 * @param mountpoint    canonical mount point
 * @param logFile       where the process logs when detached; null in the foreground
 * @param startedMillis when the mount started answering, epoch milliseconds
 * @param service       true when the process is the resident service (it outlives the mount); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountInfo(long pid, String image, String mountpoint, String logFile, long startedMillis, Boolean service) {
}
