package io.strata.fs.prefetch;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code strata mount --prefetch} fetches in the background once the mount answers. */
public enum PrefetchMode {
    /** Nothing: only what is read is fetched. */
    NONE,
    /** The prioritized files: the eStargz landmark region of each layer, or the files of a recorded profile. */
    PRIORITIZED,
    /** The prioritized files, then every other regular file of the image in layer-blob order. */
    ALL;

    /** The lower-case name the command line uses. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode named {@code value} (case-insensitive).
     *
     * @throws IllegalArgumentException naming {@code flag} and the accepted values
     */
    public static PrefetchMode parse(String flag, String value) {
        for (PrefetchMode m : values()) {
            if (m.flagValue().equalsIgnoreCase(value.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException(flag + " '" + value + "' is not one of " + Arrays.stream(values())
                .map(PrefetchMode::flagValue).collect(Collectors.joining(", ")));
    }
}
