package thelook.streams.intermediate;

import thelook.streams.topology.BadRecordException;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Order;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.StagedOrder;
import thelook.avro.internal.UserContribution;
import thelook.schemas.Micros;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;
import thelook.streams.topology.StoreNames;

/**
 * The orders changelog on the order partition. An order counts for orders.user_id; when that changes
 * (or the order is deleted) the order and all its items are retracted from the old user and added to
 * the new one. Status changes do not reach the marts through the order row, so they emit nothing.
 */
public final class OrderChanges implements Processor<Long, Order, Long, UserContribution> {
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
    public void process(Record<Long, Order> record) {
        Long orderId = record.key();
        if (orderId == null) {
            throw new BadRecordException("orders record without a key (the key must be the order_id)");
        }
        Order order = record.value();
        StagedOrder next = order == null ? null : new StagedOrder(order.getUserId(), Micros.of(order.getCreatedAt()));
        StagedOrder previous = orders.get(orderId);
        if (Objects.equals(previous, next)) {
            return;
        }
        StoreWrites.putOrDelete(orders, orderId, next);
        Long oldUser = previous == null ? null : previous.getUserId();
        Long newUser = next == null ? null : next.getUserId();
        if (oldUser != null) {
            context.forward(record.withKey(oldUser).withValue(order(-1, previous)));
        }
        if (newUser != null) {
            context.forward(record.withKey(newUser).withValue(order(1, next)));
        }
        if (!Objects.equals(oldUser, newUser)) {
            try (KeyValueIterator<Bytes, OrderItemChange> it = orderItems.range(
                    KeyBytes.of(orderId, Long.MIN_VALUE), KeyBytes.of(orderId, Long.MAX_VALUE))) {
                while (it.hasNext()) {
                    OrderItemChange item = it.next().value;
                    if (!item.getPresent()) {
                        continue;
                    }
                    if (oldUser != null) {
                        context.forward(record.withKey(oldUser).withValue(item(-1, item)));
                    }
                    if (newUser != null) {
                        context.forward(record.withKey(newUser).withValue(item(1, item)));
                    }
                }
            }
        }
    }

    private static UserContribution order(int sign, StagedOrder order) {
        return new UserContribution(sign, false, order.getCreatedAt(), null, null, null, null);
    }

    static UserContribution item(int sign, OrderItemChange item) {
        return new UserContribution(sign, true, null, item.getProductId(), item.getStatus(), item.getSalePrice(), item.getCost());
    }
}
