package thelook.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import thelook.avro.internal.BinarySum;

/** The binary sums against BigDecimal, which represents every double exactly too: the independent oracle. */
class ExactSumTest {
    private final Random random = new Random(42);

    @Test
    void sumsRoundLikeTheExactDecimalSum() {
        for (int run = 0; run < 200; run++) {
            List<Double> values = values(1 + random.nextInt(60));
            BinarySum sum = ExactSum.ZERO;
            BigDecimal exact = BigDecimal.ZERO;
            for (double v : values) {
                sum = ExactSum.add(sum, v, 1);
                exact = exact.add(new BigDecimal(v));
                assertThat(ExactSum.toDouble(sum)).isEqualTo(exact.doubleValue());
            }
        }
    }

    @Test
    void retractingEveryValueInAnyOrderReturnsExactlyToZero() {
        for (int run = 0; run < 200; run++) {
            List<Double> values = values(1 + random.nextInt(60));
            BinarySum sum = ExactSum.ZERO;
            for (double v : values) {
                sum = ExactSum.add(sum, v, 1);
            }
            BinarySum before = sum;
            sum = ExactSum.add(ExactSum.add(sum, 19.99, 1), 19.99, -1);
            assertThat(sum).isEqualTo(before);
            Collections.shuffle(values, random);
            for (double v : values) {
                sum = ExactSum.add(sum, v, -1);
            }
            assertThat(sum).isEqualTo(ExactSum.ZERO);
            assertThat(ExactSum.toDouble(sum)).isEqualTo(0.0);
        }
    }

    @Test
    void theSameSumReachedInAnotherOrderIsTheSameRecord() {
        List<Double> values = values(40);
        BinarySum forward = ExactSum.ZERO;
        for (double v : values) {
            forward = ExactSum.add(forward, v, 1);
        }
        Collections.reverse(values);
        BinarySum backward = ExactSum.ZERO;
        for (double v : values) {
            backward = ExactSum.add(backward, v, 1);
        }
        assertThat(backward).isEqualTo(forward);
    }

    @Test
    void timesRoundsOnceLikeTheDecimalProduct() {
        for (int i = 0; i < 2000; i++) {
            double v = value();
            long n = random.nextInt(5000);
            assertThat(ExactSum.times(v, n)).isEqualTo(new BigDecimal(v).multiply(BigDecimal.valueOf(n)).doubleValue());
        }
    }

    @Test
    void subnormalAndHugeValuesStayExact() {
        BinarySum sum = ExactSum.add(ExactSum.ZERO, Double.MIN_VALUE, 1);
        assertThat(ExactSum.toDouble(sum)).isEqualTo(Double.MIN_VALUE);
        sum = ExactSum.add(sum, 1e300, 1);
        sum = ExactSum.add(sum, 1e300, -1);
        assertThat(ExactSum.toDouble(sum)).isEqualTo(Double.MIN_VALUE);
        assertThat(ExactSum.toDouble(ExactSum.add(ExactSum.ZERO, -0.0, 1))).isEqualTo(0.0);
        assertThatThrownBy(() -> ExactSum.add(ExactSum.ZERO, Double.NaN, 1)).hasMessageContaining("NaN");
    }

    private List<Double> values(int n) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(value());
        }
        return values;
    }

    /** Prices with cents (theLook's kind), arbitrary doubles of all magnitudes, and negatives. */
    private double value() {
        return switch (random.nextInt(4)) {
            case 0 -> Math.round(random.nextDouble() * 100_000) / 100.0;
            case 1 -> random.nextDouble() * 1000 - 500;
            case 2 -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
            default -> random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15);
        };
    }
}
