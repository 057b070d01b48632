package io.strata.bench;

import java.nio.file.Path;

/**
 * The checked settings of one {@code strata bench warm} run.
 *
 * @param strataClassPath the strata jar the mounts run from
 * @param out             the results directory
 * @param service         strata mounts are served by a resident {@code strata service} (else one process each)
 * @param command         the command line as typed, for the report
 */
record WarmSetup(BenchImage.Spec image, int repetitions, int randomReads, String format, String strataClassPath,
                 Path out, boolean jfr, boolean service, String command) {

    /** Bytes of file content in the image at most: host files plus the large files. */
    long dataBytes() {
        return image.treeBytes() + image.bigFiles() * image.bigFileBytes();
    }
}
