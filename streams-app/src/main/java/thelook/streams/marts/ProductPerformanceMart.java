package thelook.streams.marts;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.DimProductPerformance;
import thelook.avro.Product;
import thelook.avro.internal.ProductAggregates;
import thelook.avro.internal.StagedEvent;
import thelook.avro.internal.StagedItem;
import thelook.streams.flow.Emit;
import thelook.streams.names.StoreNames;
import thelook.streams.staging.ItemStatus;
import thelook.streams.state.Counts;
import thelook.streams.state.ExactSum;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;

/**
 * dim_product_performance: one row per row of products, built from the product row and its
 * aggregates (views, distinct sessions as keyed counts, items, revenue, returns). Lives on the
 * product partition; any processor there that changes a part calls {@link #refresh}.
 */
public final class ProductPerformanceMart {
    /** Compared against on every save, so built once (a builder deep-copies every default). */
    private static final ProductAggregates EMPTY = ProductAggregates.newBuilder().build();

    private final KeyValueStore<Long, Product> products;
    private final KeyValueStore<Long, ProductAggregates> aggregates;
    private final Counts sessions;
    private final KeyValueStore<Long, DimProductPerformance> rows;

    public ProductPerformanceMart(ProcessorContext<?, ?> context) {
        products = context.getStateStore(StoreNames.PRODUCTS);
        aggregates = context.getStateStore(StoreNames.PRODUCT_AGGREGATES);
        sessions = new Counts(context.getStateStore(StoreNames.PRODUCT_SESSIONS));
        rows = context.getStateStore(StoreNames.PRODUCT_PERFORMANCE);
    }

    /**
     * An item of this product (any status, whether or not its order exists) replaced: {@code previous}
     * retracted and {@code next} added, either may be null. Returns the saved aggregates for {@link #refresh}.
     */
    public ProductAggregates replaceItem(long productId, StagedItem previous, StagedItem next) {
        ProductAggregates agg = load(productId);
        if (previous != null) {
            addItem(agg, previous, -1);
        }
        if (next != null) {
            addItem(agg, next, 1);
        }
        if (previous != null || next != null) {
            save(productId, agg);
        }
        return agg;
    }

    private static void addItem(ProductAggregates agg, StagedItem item, int sign) {
        agg.setItemCount(agg.getItemCount() + sign);
        if (item.getSalePrice() != null) {
            agg.setRevenueSum(ExactSum.add(agg.getRevenueSum(), item.getSalePrice(), sign));
        }
        if (ItemStatus.isReturn(item.getStatus())) {
            agg.setReturns(agg.getReturns() + sign);
        }
    }

    /** A product view (anonymous or not) added or retracted; the row follows. */
    public void applyView(long productId, StagedEvent view, int sign, Emit emit) {
        ProductAggregates agg = load(productId);
        agg.setViewCount(agg.getViewCount() + sign);
        if (view.getSessionId() != null) {
            Bytes key = KeyBytes.of(productId, view.getSessionId());
            agg.setSessionCount(agg.getSessionCount() + sessions.add(key, sign));
        }
        save(productId, agg);
        Product product = products.get(productId);
        if (product != null) {
            // total_product_views moved by one, so the row changed: no need to read the old one to compare
            DimProductPerformance row = build(productId, product, agg);
            rows.put(productId, row);
            emit.productRow(productId, row);
        }
    }

    /** Recomputes the row of {@code productId} and emits it when it changed (null when the product is gone). */
    public void refresh(long productId, Emit emit) {
        refresh(productId, null, emit);
    }

    /** {@code agg}: the product's aggregates when the caller holds them (null = read them). */
    public void refresh(long productId, ProductAggregates agg, Emit emit) {
        Product product = products.get(productId);
        DimProductPerformance previous = rows.get(productId);
        if (product == null) {
            if (previous != null) {
                rows.delete(productId);
                emit.productRow(productId, null);
            }
            return;
        }
        DimProductPerformance row = build(productId, product, agg != null ? agg : load(productId));
        if (!row.equals(previous)) {
            rows.put(productId, row);
            emit.productRow(productId, row);
        }
    }

    static DimProductPerformance build(long productId, Product p, ProductAggregates agg) {
        long items = agg.getItemCount();
        long uniqueViews = agg.getSessionCount();
        double revenue = ExactSum.toDouble(agg.getRevenueSum());
        double cost = p.getCost() == null || items == 0 ? 0.0
                : ExactSum.times(p.getCost(), items);
        return DimProductPerformance.newBuilder()
                .setProductId(productId)
                .setProductBrand(p.getBrand())
                .setProductCategory(p.getCategory())
                .setProductDepartment(p.getDepartment())
                .setProductRetailPrice(p.getRetailPrice())
                .setProductCost(p.getCost())
                .setTotalProductViews(agg.getViewCount())
                .setUniqueProductViews(uniqueViews)
                .setTotalProductPurchases(items)
                .setTotalProductRevenue(revenue)
                .setTotalProductCost(cost)
                .setTotalProductProfit(items == 0 ? 0.0 : revenue - cost)
                .setProductConversionRate(uniqueViews == 0 ? 0.0 : (double) items / uniqueViews)
                .setTotalProductReturns(agg.getReturns())
                .setProductReturnRate(items == 0 ? 0.0 : (double) agg.getReturns() / items)
                .build();
    }

    private ProductAggregates load(long productId) {
        ProductAggregates agg = aggregates.get(productId);
        return agg != null ? agg : ProductAggregates.newBuilder().build();
    }

    private void save(long productId, ProductAggregates agg) {
        StoreWrites.putUnlessEmpty(aggregates, productId, agg, EMPTY);
    }
}
