package thelook.streams.topology;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.avro.internal.CrossSellViewState;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.UserContribution;
import thelook.streams.flow.Output;

/**
 * A {@link Feed}'s node in the DSL and its outputs as typed streams: each output is the child node the
 * feed forwards that kind to by name, so the cast in it holds by construction. {@link #requireAllTaken}
 * checks that every output the feed may emit has its node (forwarding to a missing one would fail at
 * run time).
 */
final class Fed {
    private final String name;
    private final KStream<Object, Object> stream;
    private final Set<Output> declared;
    private final Set<Output> taken = EnumSet.noneOf(Output.class);

    Fed(String name, KStream<Object, Object> stream, Set<Output> declared) {
        this.name = name;
        this.stream = stream;
        this.declared = declared;
    }

    KStream<Long, DimCustomerMetrics> customerRows() {
        return longKeyed(Output.CUSTOMER_ROWS);
    }

    KStream<Long, DimProductPerformance> productRows() {
        return longKeyed(Output.PRODUCT_ROWS);
    }

    KStream<Long, CrossSellViewState> crossSellStates() {
        return longKeyed(Output.CROSS_SELL_STATES);
    }

    KStream<Long, OrderItemChange> enrichedItems() {
        return longKeyed(Output.ENRICHED_ITEMS);
    }

    KStream<Long, UserContribution> contributions() {
        return longKeyed(Output.CONTRIBUTIONS);
    }

    KStream<CrossSellKey, FctCrossSellCandidates> crossSellRows() {
        take(Output.CROSS_SELL_ROWS);
        return stream.map((k, v) -> KeyValue.pair((CrossSellKey) k, (FctCrossSellCandidates) v),
                Named.as(Output.CROSS_SELL_ROWS.nodeOf(name)));
    }

    @SuppressWarnings("unchecked")
    private <V> KStream<Long, V> longKeyed(Output kind) {
        take(kind);
        return stream.map((k, v) -> KeyValue.pair((Long) k, (V) v), Named.as(kind.nodeOf(name)));
    }

    private void take(Output kind) {
        if (!declared.contains(kind) || !taken.add(kind)) {
            throw new IllegalStateException("feed " + name + " has no output " + kind + " to take, or it was taken already");
        }
    }

    void requireAllTaken() {
        if (!taken.equals(declared)) {
            Set<Output> missing = EnumSet.copyOf(declared);
            missing.removeAll(taken);
            throw new IllegalStateException("feed " + name + " emits " + missing + " but nothing is wired to take it");
        }
    }
}
