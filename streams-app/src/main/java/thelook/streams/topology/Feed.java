package thelook.streams.topology;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.avro.internal.CrossSellViewState;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.UserContribution;
import thelook.streams.flow.BadRecordException;
import thelook.streams.flow.Emit;
import thelook.streams.flow.EventTimes;
import thelook.streams.flow.Output;

/**
 * Feeds the records of one source into the helper that owns its partition's state (a mart, or an
 * intermediate join), and routes what the helper emits by kind: each kind goes to the child node named
 * {@code <feed>-<kind>} ({@link Output#nodeOf}), so each stream the wiring builds on it carries one kind.
 * Each partition's helper is built per task from the stores the topology connects.
 */
final class Feed<V, H> implements Processor<Long, V, Object, Object>, Emit {
    /** What one record does to the helper. */
    @FunctionalInterface
    interface Step<V, H> {
        void apply(H helper, Record<Long, V> record, Emit emit);
    }

    private final String name;
    private final Function<ProcessorContext<?, ?>, H> helperOf;
    private final Step<V, H> step;
    private final String[] nodes = new String[Output.values().length]; // null: this feed has no such output
    private final String eventTimeStore;
    private KeyValueStore<Long, Long> eventTime;
    private ProcessorContext<Object, Object> context;
    private H helper;
    private Record<Long, V> cause;

    private Feed(String name, Function<ProcessorContext<?, ?>, H> helperOf, Step<V, H> step, Set<Output> outputs,
                 String eventTimeStore) {
        this.name = name;
        this.eventTimeStore = eventTimeStore;
        this.helperOf = helperOf;
        this.step = step;
        outputs.forEach(o -> nodes[o.ordinal()] = o.nodeOf(name));
    }

    /** @param eventTimeStore where this feed's partition keeps the largest event time it has processed, or null */
    static <V, H> ProcessorSupplier<Long, V, Object, Object> of(String name, Function<ProcessorContext<?, ?>, H> helperOf,
                                                                Step<V, H> step, Set<Output> outputs, String eventTimeStore) {
        Set<Output> copy = outputs.isEmpty() ? EnumSet.noneOf(Output.class) : EnumSet.copyOf(outputs);
        return () -> new Feed<>(name, helperOf, step, copy, eventTimeStore);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.helper = helperOf.apply(context);
        if (eventTimeStore != null) {
            eventTime = context.getStateStore(eventTimeStore);
        }
    }

    @Override
    public void process(Record<Long, V> record) {
        if (record.key() == null) {
            throw new BadRecordException("record without a key on " + context.recordMetadata().map(m -> m.topic()).orElse("?"));
        }
        cause = record;
        step.apply(helper, record, this);
        if (eventTime != null) {
            Long micros = EventTimes.read(record.headers());
            if (micros != null) {
                // read each time: the other feeds of this partition write the same store
                Long stored = eventTime.get(EventTimes.KEY);
                if (stored == null || micros > stored) { // the store is cached: one changelog record per commit
                    eventTime.put(EventTimes.KEY, micros);
                }
            }
        }
    }

    /** Downstream with the timestamp and headers of the record that caused it, to this kind's node only. */
    private void forward(Output kind, Object key, Object value) {
        String node = nodes[kind.ordinal()];
        if (node == null) {
            throw new IllegalStateException("feed " + name + " emitted " + kind + ", which the topology does not wire for it");
        }
        context.forward(new Record<>(key, value, cause.timestamp(), cause.headers()), node);
    }

    @Override
    public void customerRow(long userId, DimCustomerMetrics row) {
        forward(Output.CUSTOMER_ROWS, userId, row);
    }

    @Override
    public void productRow(long productId, DimProductPerformance row) {
        forward(Output.PRODUCT_ROWS, productId, row);
    }

    @Override
    public void crossSellRow(CrossSellKey key, FctCrossSellCandidates row) {
        forward(Output.CROSS_SELL_ROWS, key, row);
    }

    @Override
    public void crossSellState(long productId, CrossSellViewState state) {
        forward(Output.CROSS_SELL_STATES, productId, state);
    }

    @Override
    public void enrichedItem(long orderId, OrderItemChange item) {
        forward(Output.ENRICHED_ITEMS, orderId, item);
    }

    @Override
    public void contribution(long userId, UserContribution contribution) {
        forward(Output.CONTRIBUTIONS, userId, contribution);
    }
}
