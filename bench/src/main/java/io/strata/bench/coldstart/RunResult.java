package io.strata.bench.coldstart;

import java.util.Map;

/**
 * One measured cold start.
 *
 * @param image         the image's name
 * @param mode          the mode's name
 * @param workload      the workload's name
 * @param repetition    1, 2, ...
 * @param mountSeconds  the pull/mount phase: pull + unpack, or {@code strata mount} until it returned
 * @param runSeconds    the run phase: the workload from start to exit
 * @param detail        seconds of parts of the pull/mount phase (legacy: pull, unpack)
 * @param mountRequests responses the registry served during pull/mount
 * @param mountBytes    body bytes of those responses
 * @param runRequests   responses served from the end of pull/mount until the tree was unmounted (the workload's
 *                      reads and any background prefetch)
 * @param runBytes      body bytes of those responses
 * @param output        the workload's output, first line (find: the number of entries)
 * @param error         why the run failed, or null
 */
record RunResult(String image, String mode, String workload, int repetition, double mountSeconds, double runSeconds,
                 Map<String, Double> detail, long mountRequests, long mountBytes, long runRequests, long runBytes,
                 String output, String error) {

    RunResult {
        detail = Map.copyOf(detail);
    }

    double totalSeconds() {
        return mountSeconds + runSeconds;
    }

    long bytes() {
        return mountBytes + runBytes;
    }

    long requests() {
        return mountRequests + runRequests;
    }

    boolean ok() {
        return error == null;
    }
}
