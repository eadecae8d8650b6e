package thelook.streams.state;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import thelook.avro.internal.BinarySum;

/**
 * Sums of doubles kept exactly, as {@code mantissa x 2^exponent}: every finite double is such a binary
 * fraction, so adding and later retracting a price returns a sum to exactly what it was, and a group
 * whose rows all left sums to exactly zero. Only the final conversion to double rounds, once.
 *
 * <p>Binary rather than decimal because the rows are rebuilt on every event: a decimal of a double has
 * dozens of digits, and converting one back to double went through its string form (a tenth of a stream
 * thread's time). The form is canonical (odd mantissa, or zero with exponent 0), so equal sums are equal
 * records and a sum back at zero equals the empty aggregate.
 */
public final class ExactSum {
    public static final BinarySum ZERO = new BinarySum(ByteBuffer.wrap(new byte[0]), 0);

    private static final int MANTISSA_BITS = 52;
    private static final int EXPONENT_BIAS = 1075; // 1023 + 52: the unit of the mantissa's last bit

    private ExactSum() {}

    /** {@code sum + sign * value}, exactly. */
    public static BinarySum add(BinarySum sum, double value, int sign) {
        long m = mantissaOf(value);
        BigInteger b = BigInteger.valueOf(sign < 0 ? -m : m);
        int e = exponentOf(value);
        BigInteger a = mantissa(sum);
        int ea = sum.getExponent();
        int exponent = Math.min(ea, e);
        BigInteger total = a.shiftLeft(ea - exponent).add(b.shiftLeft(e - exponent));
        return canonical(total, exponent);
    }

    /** The sum rounded to the nearest double (ties to even), as {@code BigDecimal.doubleValue} would. */
    public static double toDouble(BinarySum sum) {
        return toDouble(mantissa(sum), sum.getExponent());
    }

    /** {@code value x count} rounded once to the nearest double, as the batch SQL's decimal product would be. */
    public static double times(double value, long count) {
        return toDouble(BigInteger.valueOf(mantissaOf(value)).multiply(BigInteger.valueOf(count)), exponentOf(value));
    }

    /** The signed integer m of a finite double {@code m x 2^exponentOf(value)}. */
    private static long mantissaOf(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        long bits = Double.doubleToRawLongBits(value);
        long m = bits & ((1L << MANTISSA_BITS) - 1);
        if (biasedExponent(bits) != 0) {
            m |= 1L << MANTISSA_BITS; // normal: the implicit leading bit
        }
        return bits < 0 ? -m : m;
    }

    private static int exponentOf(double value) {
        int biased = biasedExponent(Double.doubleToRawLongBits(value));
        return (biased == 0 ? 1 : biased) - EXPONENT_BIAS; // subnormals share the smallest normal exponent
    }

    private static int biasedExponent(long bits) {
        return (int) ((bits >>> MANTISSA_BITS) & 0x7ff);
    }

    private static double toDouble(BigInteger mantissa, int exponent) {
        if (mantissa.signum() == 0) {
            return 0.0;
        }
        // BigInteger.doubleValue rounds correctly; scaling by a power of two is then exact unless the
        // result falls below the normal range, where a second rounding could occur: go through decimals.
        int resultExponent = mantissa.bitLength() - 1 + exponent;
        if (resultExponent < Double.MIN_EXPONENT + 1) {
            BigDecimal d = exponent >= 0 ? new BigDecimal(mantissa.shiftLeft(exponent))
                    : new BigDecimal(mantissa).divide(new BigDecimal(BigInteger.ONE.shiftLeft(-exponent)));
            return d.doubleValue();
        }
        BigInteger magnitude = mantissa.abs();
        int excess = magnitude.bitLength() - 64;
        if (excess > 0) {
            // keep 64 bits and a sticky bit for what was cut, so the one rounding below is still correct
            boolean cut = magnitude.getLowestSetBit() < excess;
            magnitude = magnitude.shiftRight(excess);
            if (cut) {
                magnitude = magnitude.setBit(0);
            }
            exponent += excess;
        }
        double d = Math.scalb(magnitude.doubleValue(), exponent);
        return mantissa.signum() < 0 ? -d : d;
    }

    private static BigInteger mantissa(BinarySum sum) {
        ByteBuffer b = sum.getMantissa();
        if (!b.hasRemaining()) {
            return BigInteger.ZERO;
        }
        if (!b.hasArray()) {
            byte[] copy = new byte[b.remaining()];
            b.duplicate().get(copy);
            return new BigInteger(copy);
        }
        return new BigInteger(b.array(), b.arrayOffset() + b.position(), b.remaining());
    }

    private static BinarySum canonical(BigInteger mantissa, int exponent) {
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        int zeros = mantissa.getLowestSetBit();
        return new BinarySum(ByteBuffer.wrap(mantissa.shiftRight(zeros).toByteArray()), exponent + zeros);
    }
}
