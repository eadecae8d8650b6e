package thelook.streams.marts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.CustomerTierThresholds;
import thelook.streams.tiers.CustomerTiers;
import thelook.streams.tiers.CustomerTiers.Metric;

/**
 * The second half of the RFM thresholds: every bucket count changes here (one partition, so one task sees all
 * customers), and at most once a second, when a count changed, the quintile thresholds are computed anew from the
 * counts (O(buckets): a few thousand, whatever the number of customers) and emitted under key 0. The k-th
 * threshold of a metric is the bucket holding the ceil(k * N / 5)-th smallest value, N the customers with an order.
 */
public final class CustomerTierThresholdsMart implements Processor<Long, Long, Long, CustomerTierThresholds> {
    public static final long KEY = 0L;
    static final Duration EVERY = Duration.ofSeconds(1);

    private final String store;
    private ProcessorContext<Long, CustomerTierThresholds> context;
    private KeyValueStore<Long, Long> counts;
    private boolean changed;

    public CustomerTierThresholdsMart(String store) {
        this.store = store;
    }

    @Override
    public void init(ProcessorContext<Long, CustomerTierThresholds> context) {
        this.context = context;
        this.counts = context.getStateStore(store);
        context.schedule(EVERY, PunctuationType.WALL_CLOCK_TIME, now -> emitIfChanged(now));
    }

    @Override
    public void process(Record<Long, Long> delta) {
        Long before = counts.get(delta.key());
        long now = (before == null ? 0 : before) + delta.value();
        if (now == 0) {
            counts.delete(delta.key());
        } else {
            counts.put(delta.key(), now);
        }
        changed = true;
    }

    private void emitIfChanged(long nowMs) {
        if (!changed) {
            return;
        }
        changed = false;
        context.forward(new Record<>(KEY, thresholds(counts, Instant.ofEpochMilli(nowMs)), nowMs));
    }

    /** The thresholds of the counts in {@code counts} (keys of {@link CustomerTiers#countKey}). */
    static CustomerTierThresholds thresholds(KeyValueStore<Long, Long> counts, Instant at) {
        List<Instant> recency = new ArrayList<>();
        List<Long> frequency = new ArrayList<>();
        List<Double> monetary = new ArrayList<>();
        long scored = 0;
        for (Metric m : Metric.values()) {
            List<long[]> buckets = new ArrayList<>(); // {bucket, count}, ascending
            long total = 0;
            try (KeyValueIterator<Long, Long> it = counts.range(CustomerTiers.countKey(m, 0), CustomerTiers.countKey(m, -1))) {
                while (it.hasNext()) {
                    var e = it.next();
                    buckets.add(new long[] {CustomerTiers.bucketOf(e.key), e.value});
                    total += e.value;
                }
            }
            scored = total;
            if (total == 0) {
                continue;
            }
            int next = 0;
            long seen = 0;
            for (int k = 1; k <= 4; k++) {
                long rank = (k * total + 4) / 5; // ceil(k * N / 5)
                while (seen + buckets.get(next)[1] < rank) {
                    seen += buckets.get(next)[1];
                    next++;
                }
                double bound = CustomerTiers.upperBound(m, buckets.get(next)[0]);
                switch (m) {
                    case RECENCY -> recency.add(Instant.EPOCH.plusNanos((long) bound * 1000));
                    case FREQUENCY -> frequency.add((long) bound);
                    case MONETARY -> monetary.add(bound);
                }
            }
        }
        return CustomerTierThresholds.newBuilder().setCustomersScored(scored).setRecencyUpperBounds(recency)
                .setFrequencyUpperBounds(frequency).setMonetaryUpperBounds(monetary).setComputedAt(at).build();
    }
}
