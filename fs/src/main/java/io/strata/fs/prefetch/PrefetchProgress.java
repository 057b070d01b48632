package io.strata.fs.prefetch;

/**
 * How far background prefetch has come, for {@code strata status}.
 *
 * @param mode          {@code none}, {@code prioritized} or {@code all}
 * @param state         {@code off} (mode none), {@code waiting} (mount not answering yet), {@code planning},
 *                      {@code running}, {@code done}, {@code stopped} (unmounted first) or {@code failed}
 * @param filesPlanned  regular files to prefetch (known once planned)
 * @param filesDone     files read to their end
 * @param filesFailed   files whose read failed (each logged once; the mount is unaffected)
 * @param bytesPlanned  sum of the planned files' sizes
 * @param bytesDone     bytes read so far (of done, failed and the current file)
 */
public record PrefetchProgress(String mode, String state, long filesPlanned, long filesDone, long filesFailed,
                               long bytesPlanned, long bytesDone) {

    /** The progress of a mount that does not prefetch. */
    public static PrefetchProgress off() {
        return new PrefetchProgress(PrefetchMode.NONE.flagValue(), "off", 0, 0, 0, 0, 0);
    }
}
