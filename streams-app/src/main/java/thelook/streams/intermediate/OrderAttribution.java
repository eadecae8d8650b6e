package thelook.streams.intermediate;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Order;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.StagedOrder;
import thelook.avro.internal.UserContribution;
import thelook.schemas.Micros;
import thelook.streams.flow.Emit;
import thelook.streams.names.StoreNames;
import thelook.streams.staging.ItemStatus;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;

/**
 * int_order_items_enriched, second half, on the order partition: orders and their items meet, and
 * both are attributed to orders.user_id as contributions (-1 retract, +1 add) keyed by that user.
 */
public final class OrderAttribution {
    private final KeyValueStore<Long, StagedOrder> orders;
    private final KeyValueStore<Bytes, OrderItemChange> orderItems;

    public OrderAttribution(ProcessorContext<?, ?> context) {
        orders = context.getStateStore(StoreNames.STAGED_ORDERS);
        orderItems = context.getStateStore(StoreNames.ORDER_ITEMS);
    }

    /**
     * The orders changelog. When orders.user_id changes (or the order is deleted) the order and all its
     * items are retracted from the old user and added to the new one. Status changes do not reach the
     * marts through the order row, so they emit nothing.
     */
    public void applyOrder(long orderId, Order order, Emit emit) {
        StagedOrder next = order == null ? null : new StagedOrder(order.getUserId(), Micros.of(order.getCreatedAt()));
        StagedOrder previous = orders.get(orderId);
        if (Objects.equals(previous, next)) {
            return;
        }
        StoreWrites.putOrDelete(orders, orderId, next);
        Long oldUser = previous == null ? null : previous.getUserId();
        Long newUser = next == null ? null : next.getUserId();
        if (oldUser != null) {
            emit.contribution(oldUser, orderContribution(-1, previous));
        }
        if (newUser != null) {
            emit.contribution(newUser, orderContribution(1, next));
        }
        if (Objects.equals(oldUser, newUser)) {
            return;
        }
        try (KeyValueIterator<Bytes, OrderItemChange> it = orderItems.range(
                KeyBytes.of(orderId, Long.MIN_VALUE), KeyBytes.of(orderId, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                OrderItemChange item = it.next().value;
                if (!item.getPresent()) {
                    continue;
                }
                if (oldUser != null) {
                    emit.contribution(oldUser, itemContribution(-1, item));
                }
                if (newUser != null) {
                    emit.contribution(newUser, itemContribution(1, item));
                }
            }
        }
    }

    /**
     * An item as its product partition enriched it. Changes of one item can come from two product
     * partitions (when its product changed), so each carries the item's version: an upsert wins over
     * anything older or equal, a removal only over older. Removals stay as versioned markers so that a
     * late, older upsert cannot resurrect the item.
     */
    public void applyItem(long orderId, OrderItemChange change, Emit emit) {
        Bytes key = KeyBytes.of(orderId, change.getItemId());
        OrderItemChange current = orderItems.get(key);
        if (current != null) {
            boolean stale = change.getPresent()
                    ? change.getVersion() < current.getVersion()
                    : change.getVersion() <= current.getVersion();
            if (stale || change.equals(current)) {
                return;
            }
        }
        orderItems.put(key, change);
        StagedOrder order = orders.get(orderId);
        Long userId = order == null ? null : order.getUserId();
        if (userId == null) {
            return;
        }
        if (current != null && current.getPresent() && change.getPresent() && sameContribution(current, change)) {
            // A change only the product side reads (Complete -> Returned): retracting and re-adding the item
            // would only make the user's rows flicker. Staging already drops the changes no mart reads.
            return;
        }
        if (current != null && current.getPresent()) {
            emit.contribution(userId, itemContribution(-1, current));
        }
        if (change.getPresent()) {
            emit.contribution(userId, itemContribution(1, change));
        }
    }

    /** What the user side reads of an item: its product, price, cost and whether it is a purchase. */
    private static boolean sameContribution(OrderItemChange a, OrderItemChange b) {
        return Objects.equals(a.getProductId(), b.getProductId())
                && Objects.equals(a.getSalePrice(), b.getSalePrice())
                && Objects.equals(a.getCost(), b.getCost())
                && ItemStatus.isPurchase(a.getStatus()) == ItemStatus.isPurchase(b.getStatus());
    }

    private static UserContribution orderContribution(int sign, StagedOrder order) {
        return new UserContribution(sign, false, order.getCreatedAt(), null, null, null, null);
    }

    private static UserContribution itemContribution(int sign, OrderItemChange item) {
        return new UserContribution(sign, true, null, item.getProductId(), item.getStatus(), item.getSalePrice(), item.getCost());
    }
}
