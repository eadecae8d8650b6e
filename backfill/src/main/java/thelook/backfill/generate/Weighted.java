package thelook.backfill.generate;

import java.util.SplittableRandom;

/** A value drawn with the weights of docs/marts.md section 4. */
final class Weighted<T> {
    private final T[] values;
    private final double[] cumulative;

    @SafeVarargs
    static <T> Weighted<T> of(double[] weights, T... values) {
        return new Weighted<>(weights, values);
    }

    private Weighted(double[] weights, T[] values) {
        this.values = values;
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        for (int i = 0; i < weights.length; i++) {
            cumulative[i] /= sum;
        }
    }

    T draw(SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 0; i < cumulative.length; i++) {
            if (u < cumulative[i]) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
