package io.strata.fs.build;

import io.strata.fetcher.image.Descriptor;
import io.strata.fetcher.image.Digest;
import io.strata.fetcher.image.ResolvedImage;

/**
 * What a build tells as it goes (the command line prints it as {@code STEP 2/5: RUN ...} lines). Called on the
 * building thread, in order; a RUN's own output goes to the process's stdout and stderr between
 * {@link #step} and {@link #built}.
 */
public interface BuildLog {

    /** Step {@code number} of {@code total} starts ({@code text}: the instruction on one line). */
    void step(int number, int total, String text);

    /** The FROM step resolved its image ({@code size}: the compressed size of its layers). */
    void base(ResolvedImage base, long size);

    /** The step's result was in the layer cache: nothing ran. */
    void cached(Digest state);

    /**
     * The step ran and produced the state {@code state}.
     *
     * @param layer  its new layer, or null for a step that changed only the configuration (or no file)
     * @param millis how long it took
     */
    void built(Digest state, Descriptor layer, long millis);

    /** Something worth knowing (a base layer that is fetched whole, a socket skipped). */
    void note(String message);
}
