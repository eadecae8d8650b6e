package thelook.streams.intermediate;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Product;
import thelook.avro.internal.ItemChange;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.ProductAggregates;
import thelook.avro.internal.StagedItem;
import thelook.streams.flow.BadRecordException;
import thelook.streams.flow.Emit;
import thelook.streams.marts.CrossSellCandidatesMart;
import thelook.streams.marts.ProductPerformanceMart;
import thelook.streams.names.StoreNames;
import thelook.streams.staging.ItemStaging;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;

/**
 * int_order_items_enriched, first half, on the product partition: the products changelog and the
 * items of each product meet. Items count into dim_product_performance and take their product's cost
 * to their order, as versioned upserts (or removals from the order they left); a product change
 * reaches its performance row, its cross-sell rows and, when the cost changed, its items' orders.
 */
public final class ProductItemEnrichment {
    private final KeyValueStore<Long, Product> products;
    private final KeyValueStore<Bytes, StagedItem> productItems;
    private final ProductPerformanceMart performance;
    private final CrossSellCandidatesMart crossSell;

    public ProductItemEnrichment(ProcessorContext<?, ?> context) {
        products = context.getStateStore(StoreNames.PRODUCTS);
        productItems = context.getStateStore(StoreNames.PRODUCT_ITEMS);
        performance = new ProductPerformanceMart(context);
        crossSell = new CrossSellCandidatesMart(context);
    }

    /** The products changelog. */
    public void applyProduct(long productId, Product next, Emit emit) {
        if (next != null && next.getCost() != null && !Double.isFinite(next.getCost())) {
            throw new BadRecordException("product " + productId + ": cost is not a finite number: " + next.getCost());
        }
        Product previous = products.get(productId);
        if (Objects.equals(previous, next)) {
            return;
        }
        StoreWrites.putOrDelete(products, productId, next);
        performance.refresh(productId, emit);
        crossSell.productChanged(productId, next, emit);
        if (!Objects.equals(cost(previous), cost(next))) {
            try (KeyValueIterator<Bytes, StagedItem> it = productItems.range(
                    KeyBytes.of(productId, Long.MIN_VALUE), KeyBytes.of(productId, Long.MAX_VALUE))) {
                while (it.hasNext()) {
                    StagedItem item = it.next().value;
                    if (item.getOrderId() != null) {
                        emit.enrichedItem(item.getOrderId(), enriched(item, cost(next)));
                    }
                }
            }
        }
    }

    /** An item routed to this product (or to ItemStaging.NO_PRODUCT): upserted or removed. */
    public void applyItem(long productId, ItemChange change, Emit emit) {
        boolean known = productId != ItemStaging.NO_PRODUCT;
        StagedItem item = change.getItem();
        Bytes key = KeyBytes.of(productId, item.getItemId());
        StagedItem previous = productItems.get(key);
        ProductAggregates agg = known ? performance.replaceItem(productId, previous, change.getRemove() ? null : item) : null;
        if (change.getRemove()) {
            productItems.delete(key);
            if (previous != null && previous.getOrderId() != null) {
                emit.enrichedItem(previous.getOrderId(), removal(item));
            }
        } else {
            productItems.put(key, item);
            if (previous != null && previous.getOrderId() != null && !previous.getOrderId().equals(item.getOrderId())) {
                emit.enrichedItem(previous.getOrderId(), removal(item));
            }
            if (item.getOrderId() != null) {
                emit.enrichedItem(item.getOrderId(), enriched(item, known ? cost(products.get(productId)) : null));
            }
        }
        if (known) {
            performance.refresh(productId, agg, emit);
        }
    }

    private static Double cost(Product p) {
        return p == null ? null : p.getCost();
    }

    private static OrderItemChange enriched(StagedItem item, Double cost) {
        return new OrderItemChange(item.getItemId(), item.getVersion(), true, item.getProductId(), item.getStatus(),
                item.getSalePrice(), cost);
    }

    private static OrderItemChange removal(StagedItem item) {
        return new OrderItemChange(item.getItemId(), item.getVersion(), false, null, null, null, null);
    }
}
