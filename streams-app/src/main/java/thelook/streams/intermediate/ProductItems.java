package thelook.streams.intermediate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Product;
import thelook.avro.internal.ItemChange;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.StagedItem;
import thelook.streams.marts.ProductPerformanceMart;
import thelook.streams.staging.ItemStaging;
import thelook.streams.state.KeyBytes;
import thelook.streams.topology.Emit;
import thelook.streams.topology.StoreNames;

/**
 * int_order_items_enriched, first half: items on their product's partition. Counts them into
 * dim_product_performance and attaches the product's cost, then sends each item to its order as a
 * versioned upsert, or a versioned removal to the order it left.
 */
public final class ProductItems implements Processor<Long, ItemChange, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private KeyValueStore<Long, Product> products;
    private KeyValueStore<Bytes, StagedItem> productItems;
    private ProductPerformanceMart performance;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        products = context.getStateStore(StoreNames.PRODUCTS);
        productItems = context.getStateStore(StoreNames.PRODUCT_ITEMS);
        performance = new ProductPerformanceMart(context);
    }

    @Override
    public void process(Record<Long, ItemChange> record) {
        long productId = record.key();
        boolean known = productId != ItemStaging.NO_PRODUCT;
        StagedItem item = record.value().getItem();
        Bytes key = KeyBytes.of(productId, item.getItemId());
        StagedItem previous = productItems.get(key);
        Emit emit = Emit.to(context, record);
        if (previous != null && known) {
            performance.applyItem(productId, previous, -1);
        }
        if (record.value().getRemove()) {
            productItems.delete(key);
            if (previous != null && previous.getOrderId() != null) {
                emit.emit(previous.getOrderId(), removal(item));
            }
        } else {
            productItems.put(key, item);
            if (known) {
                performance.applyItem(productId, item, 1);
            }
            if (previous != null && previous.getOrderId() != null && !previous.getOrderId().equals(item.getOrderId())) {
                emit.emit(previous.getOrderId(), removal(item));
            }
            if (item.getOrderId() != null) {
                Product product = known ? products.get(productId) : null;
                emit.emit(item.getOrderId(), enriched(item, product == null ? null : product.getCost()));
            }
        }
        if (known) {
            performance.refresh(productId, emit);
        }
    }

    static OrderItemChange enriched(StagedItem item, Double cost) {
        return new OrderItemChange(item.getItemId(), item.getVersion(), true, item.getProductId(), item.getStatus(),
                item.getSalePrice(), cost);
    }

    static OrderItemChange removal(StagedItem item) {
        return new OrderItemChange(item.getItemId(), item.getVersion(), false, null, null, null, null);
    }
}
