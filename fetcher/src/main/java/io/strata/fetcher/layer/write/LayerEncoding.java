package io.strata.fetcher.layer.write;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a new layer's tar is stored: both are {@code tar+gzip} for every tool; eStargz is also lazily mountable. */
public enum LayerEncoding {
    /** One gzip stream of the whole tar. */
    GZIP,
    /** eStargz: chunked gzip members, a TOC and a footer (see {@code io.strata.fetcher.layer.estargz}). */
    ESTARGZ;

    /** The name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name ({@code gzip}, {@code estargz}); the message lists the accepted ones. */
    public static LayerEncoding parse(String text) {
        for (LayerEncoding e : values()) {
            if (e.cliName().equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown layer format '" + text + "' (use one of: "
                + Arrays.stream(values()).map(LayerEncoding::cliName).collect(Collectors.joining(", ")) + ")");
    }
}
