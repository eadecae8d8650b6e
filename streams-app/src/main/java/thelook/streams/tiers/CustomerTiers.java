package thelook.streams.tiers;

import java.time.Instant;
import java.util.List;
import thelook.avro.CustomerTierThresholds;
import thelook.avro.DimCustomerMetrics;

/**
 * Customer tiers (docs/marts.md): the engagement tier, a function of the row alone, and the RFM scores, a
 * customer's recency ({@code last_order_dttm}), frequency ({@code total_orders}) and monetary value
 * ({@code total_order_revenue}) scored 1-5 against quintile thresholds over every customer with an order.
 * The thresholds come from bucket counts kept incrementally by the topology: days for recency and whole
 * orders for frequency (exact), 1%-wide buckets for revenue (a customer within 1% of a threshold may get the
 * score next to the exact one). One definition for the topology, the API and the sinks.
 */
public final class CustomerTiers {
    /** The metrics scored, in the order of a bucket key. */
    public enum Metric { RECENCY, FREQUENCY, MONETARY }

    /** Relative width of a revenue bucket: bucket b holds (1.01^(b-1), 1.01^b]. */
    static final double MONETARY_GROWTH = 1.01;
    private static final double LOG_GROWTH = Math.log(MONETARY_GROWTH);
    /** Revenue buckets are shifted so that any cent amount has a positive bucket. */
    static final long MONETARY_OFFSET = 10_000;
    static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final int METRIC_SHIFT = 56;

    public static final List<String> ENGAGEMENT_TIERS = List.of("high", "medium", "low");

    private CustomerTiers() {}

    /**
     * {@code high}: 4 or more sessions and 15 or more events; {@code low}: at most one session or fewer than 5
     * events; {@code medium}: the rest. Exact: it reads the row only.
     */
    public static String engagementTier(long totalSessions, long totalEvents) {
        if (totalSessions >= 4 && totalEvents >= 15) {
            return "high";
        }
        if (totalSessions <= 1 || totalEvents < 5) {
            return "low";
        }
        return "medium";
    }

    public static String engagementTier(DimCustomerMetrics row) {
        return engagementTier(row.getTotalSessions(), row.getTotalEvents());
    }

    /** Whether the customer is scored: at least one order (with a time). */
    public static boolean scored(DimCustomerMetrics row) {
        return row != null && row.getTotalOrders() > 0 && row.getLastOrderDttm() != null;
    }

    /** The customer's bucket of {@code metric}; only for {@link #scored} rows. */
    public static long bucket(Metric metric, DimCustomerMetrics row) {
        return switch (metric) {
            case RECENCY -> Math.max(0, Math.floorDiv(micros(row.getLastOrderDttm()), MICROS_PER_DAY)); // days before 1970: day 0
            case FREQUENCY -> row.getTotalOrders();
            case MONETARY -> monetaryBucket(row.getTotalOrderRevenue());
        };
    }

    static long monetaryBucket(double revenue) {
        if (!(revenue > 0)) {
            return 0;
        }
        long b = (long) Math.ceil(Math.log(revenue) / LOG_GROWTH - 1e-9) + MONETARY_OFFSET;
        return Math.max(1, b);
    }

    /** The largest value in a bucket: what a threshold is published as. */
    public static double upperBound(Metric metric, long bucket) {
        return switch (metric) {
            case RECENCY -> (bucket + 1) * (double) MICROS_PER_DAY - 1;
            case FREQUENCY -> bucket;
            case MONETARY -> bucket == 0 ? 0 : Math.pow(MONETARY_GROWTH, bucket - MONETARY_OFFSET);
        };
    }

    /** A bucket count's key: the metric in the top byte, the bucket below (buckets of one metric sort together, in order). */
    public static long countKey(Metric metric, long bucket) {
        return ((long) metric.ordinal() << METRIC_SHIFT) | (bucket & ((1L << METRIC_SHIFT) - 1));
    }

    public static Metric metricOf(long countKey) {
        return Metric.values()[(int) (countKey >>> METRIC_SHIFT)];
    }

    public static long bucketOf(long countKey) {
        return countKey & ((1L << METRIC_SHIFT) - 1);
    }

    /** A customer's scores against {@code thresholds}: recency, frequency, monetary; null when not scored or no thresholds yet. */
    public static int[] scores(DimCustomerMetrics row, CustomerTierThresholds thresholds) {
        if (!scored(row) || thresholds == null || thresholds.getCustomersScored() == 0) {
            return null;
        }
        long recency = micros(row.getLastOrderDttm());
        int r = 1;
        for (Instant bound : thresholds.getRecencyUpperBounds()) {
            r += recency > micros(bound) ? 1 : 0;
        }
        int f = 1;
        for (long bound : thresholds.getFrequencyUpperBounds()) {
            f += row.getTotalOrders() > bound ? 1 : 0;
        }
        int m = 1;
        for (double bound : thresholds.getMonetaryUpperBounds()) {
            m += monetaryBucket(row.getTotalOrderRevenue()) > monetaryBucket(bound) ? 1 : 0;
        }
        return new int[] {r, f, m};
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
