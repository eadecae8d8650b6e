package thelook.streams.intermediate;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.StagedOrder;
import thelook.avro.internal.UserContribution;
import thelook.streams.state.KeyBytes;
import thelook.streams.topology.StoreNames;

/**
 * int_order_items_enriched, second half: items on their order's partition, attributed to the order's
 * user. Changes of one item can come from two product partitions (when its product changed), so each
 * carries the item's version: an upsert wins over anything older or equal, a removal only over older.
 * Removals stay as versioned markers so that a late, older upsert cannot resurrect the item.
 */
public final class OrderItemChanges implements Processor<Long, OrderItemChange, Long, UserContribution> {
    private ProcessorContext<Long, UserContribution> context;
    private KeyValueStore<Long, StagedOrder> orders;
    private KeyValueStore<Bytes, OrderItemChange> orderItems;

    @Override
    public void init(ProcessorContext<Long, UserContribution> context) {
        this.context = context;
        orders = context.getStateStore(StoreNames.STAGED_ORDERS);
        orderItems = context.getStateStore(StoreNames.ORDER_ITEMS);
    }

    @Override
    public void process(Record<Long, OrderItemChange> record) {
        long orderId = record.key();
        OrderItemChange change = record.value();
        Bytes key = KeyBytes.of(orderId, change.getItemId());
        OrderItemChange current = orderItems.get(key);
        if (current != null) {
            boolean stale = change.getPresent()
                    ? change.getVersion() < current.getVersion()
                    : change.getVersion() <= current.getVersion();
            if (stale || change.equals(current)) {
                return;
            }
        } else if (!change.getPresent()) {
            orderItems.put(key, change);
            return;
        }
        orderItems.put(key, change);
        StagedOrder order = orders.get(orderId);
        Long userId = order == null ? null : order.getUserId();
        if (userId == null) {
            return;
        }
        if (current != null && current.getPresent()) {
            context.forward(record.withKey(userId).withValue(OrderChanges.item(-1, current)));
        }
        if (change.getPresent()) {
            context.forward(record.withKey(userId).withValue(OrderChanges.item(1, change)));
        }
    }
}
