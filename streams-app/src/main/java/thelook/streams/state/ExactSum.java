package thelook.streams.state;

import java.math.BigDecimal;

/**
 * Sums of doubles kept as exact decimals (as strings in the Avro aggregates): every finite double is
 * an exact binary fraction, so adding and later retracting a price returns the sum to exactly what it
 * was, and a group whose rows all left sums to exactly zero. Only the final conversion rounds.
 */
public final class ExactSum {
    private ExactSum() {}

    public static String add(String sum, double value, int sign) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        BigDecimal v = new BigDecimal(value);
        BigDecimal s = new BigDecimal(sum);
        return (sign >= 0 ? s.add(v) : s.subtract(v)).stripTrailingZeros().toPlainString();
    }

    public static BigDecimal of(String sum) {
        return new BigDecimal(sum);
    }
}
