package thelook.streams.marts;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.DimCustomerMetrics;
import thelook.streams.tiers.CustomerTiers;
import thelook.streams.tiers.CustomerTiers.Metric;

/**
 * The first half of the RFM thresholds (docs/marts.md, customer tiers): for each changed customer row, the
 * changes of the bucket counts it makes, keyed by {@link CustomerTiers#countKey}: -1 for a bucket the customer
 * left, +1 for the one it entered (nothing when its bucket did not change, the common case). The customer's
 * current buckets are kept by user id to know which it leaves; a tombstone, or a customer without orders,
 * leaves all three.
 */
public final class CustomerTierBuckets implements Processor<Long, DimCustomerMetrics, Long, Long> {
    private final String store;
    private ProcessorContext<Long, Long> context;
    private KeyValueStore<Long, byte[]> buckets;

    public CustomerTierBuckets(String store) {
        this.store = store;
    }

    @Override
    public void init(ProcessorContext<Long, Long> context) {
        this.context = context;
        this.buckets = context.getStateStore(store);
    }

    @Override
    public void process(Record<Long, DimCustomerMetrics> record) {
        long[] before = decode(buckets.get(record.key()));
        long[] after = null;
        if (CustomerTiers.scored(record.value())) {
            after = new long[Metric.values().length];
            for (Metric m : Metric.values()) {
                after[m.ordinal()] = CustomerTiers.bucket(m, record.value());
            }
        }
        for (Metric m : Metric.values()) {
            int i = m.ordinal();
            boolean moved = before == null || after == null || before[i] != after[i];
            if (before != null && moved) {
                context.forward(record.withKey(CustomerTiers.countKey(m, before[i])).withValue(-1L));
            }
            if (after != null && moved) {
                context.forward(record.withKey(CustomerTiers.countKey(m, after[i])).withValue(1L));
            }
        }
        if (after == null) {
            if (before != null) {
                buckets.delete(record.key());
            }
        } else if (before == null || !java.util.Arrays.equals(before, after)) {
            buckets.put(record.key(), encode(after));
        }
    }

    private static byte[] encode(long[] b) {
        ByteBuffer out = ByteBuffer.allocate(8 * b.length);
        for (long v : b) {
            out.putLong(v);
        }
        return out.array();
    }

    private static long[] decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long[] b = new long[bytes.length / 8];
        for (int i = 0; i < b.length; i++) {
            b[i] = in.getLong();
        }
        return b;
    }
}
