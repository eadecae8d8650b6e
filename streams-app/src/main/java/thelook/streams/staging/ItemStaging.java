package thelook.streams.staging;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.OrderItem;
import thelook.avro.internal.ItemChange;
import thelook.avro.internal.StagedItem;
import thelook.streams.flow.BadRecordException;
import thelook.streams.names.StoreNames;

/**
 * stg_order_items: the item changelog turned into changes routed by product_id. Each change of an item
 * gets the next version number of that item; when the product changes, the removal goes to the old
 * product and the upsert to the new one, and the version lets the order side tell which came last.
 */
public final class ItemStaging implements Processor<Long, OrderItem, Long, ItemChange> {
    /** Routing key for items without a product_id (they still count for their order's user). */
    public static final long NO_PRODUCT = Long.MIN_VALUE;

    private ProcessorContext<Long, ItemChange> context;
    private KeyValueStore<Long, StagedItem> staged;

    @Override
    public void init(ProcessorContext<Long, ItemChange> context) {
        this.context = context;
        this.staged = context.getStateStore(StoreNames.STAGED_ITEMS);
    }

    @Override
    public void process(Record<Long, OrderItem> record) {
        Long id = record.key();
        if (id == null) {
            throw new BadRecordException("order_items record without a key (the key must be the item id)");
        }
        if (record.value() != null && record.value().getSalePrice() != null
                && !Double.isFinite(record.value().getSalePrice())) {
            throw new BadRecordException("order item " + id + ": sale_price is not a finite number: "
                    + record.value().getSalePrice());
        }
        StagedItem previous = staged.get(id);
        boolean wasLive = previous != null && !previous.getDeleted();
        OrderItem item = record.value();
        if (item == null && !wasLive) {
            return;
        }
        long version = previous == null ? 1 : previous.getVersion() + 1;
        StagedItem next = item == null
                ? new StagedItem(id, version, null, null, null, null, true)
                : new StagedItem(id, version, item.getOrderId(), item.getProductId(), item.getStatus(), item.getSalePrice(), false);
        if (wasLive && !next.getDeleted() && sameContent(previous, next)) {
            return; // a duplicate, or a change the marts cannot see
        }
        staged.put(id, next);
        if (wasLive && (next.getDeleted() || route(previous) != route(next))) {
            StagedItem removal = StagedItem.newBuilder(previous).setVersion(version).build();
            context.forward(record.withKey(route(previous)).withValue(new ItemChange(true, removal)));
        }
        if (!next.getDeleted()) {
            context.forward(record.withKey(route(next)).withValue(new ItemChange(false, next)));
        }
    }

    private static long route(StagedItem item) {
        return item.getProductId() == null ? NO_PRODUCT : item.getProductId();
    }

    /**
     * The same as far as the marts can tell: same order, product and price, and a status of the same
     * kind. The marts read a status only as "a purchase or not" (cross-sell) and "a return or not"
     * (returns), so Processing -> Shipped -> Complete, most of a replayed item's versions, is no change.
     */
    private static boolean sameContent(StagedItem a, StagedItem b) {
        return java.util.Objects.equals(a.getOrderId(), b.getOrderId())
                && java.util.Objects.equals(a.getProductId(), b.getProductId())
                && java.util.Objects.equals(a.getSalePrice(), b.getSalePrice())
                && ItemStatus.isPurchase(a.getStatus()) == ItemStatus.isPurchase(b.getStatus())
                && ItemStatus.isReturn(a.getStatus()) == ItemStatus.isReturn(b.getStatus());
    }
}
