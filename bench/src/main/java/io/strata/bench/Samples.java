package io.strata.bench;

import java.util.Arrays;

/**
 * The values (rates, seconds, bytes) measured by the repetitions of one benchmark case, in the order they ran, with the order
 * statistics a report shows. Percentiles interpolate linearly between the two nearest order statistics
 * (Hyndman and Fan type 7, the default of R and NumPy), so that five repetitions still give distinct p10/p90.
 */
public record Samples(double[] values) {

    public Samples {
        if (values.length == 0) {
            throw new IllegalArgumentException("a benchmark case needs at least one measured repetition");
        }
        values = values.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    public double median() {
        return percentile(50);
    }

    /** The {@code p}-th percentile, {@code 0 <= p <= 100}. */
    public double percentile(double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " is outside [0, 100]");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /** The same samples multiplied by {@code factor} (e.g. lookups/s to MB/s). */
    Samples scaled(double factor) {
        return new Samples(Arrays.stream(values).map(v -> v * factor).toArray());
    }
}
