package thelook.streams.flow;

import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.avro.internal.CrossSellViewState;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.UserContribution;

/**
 * Where a layer's helper sends what it produces, one method per kind of record, so that every stream
 * the wiring builds from them carries one kind. A null row means the row is gone (a tombstone).
 */
public interface Emit {
    /** A {@code dim_customer_metrics} row by user_id. */
    void customerRow(long userId, DimCustomerMetrics row);

    /** A {@code dim_product_performance} row by product_id. */
    void productRow(long productId, DimProductPerformance row);

    /** A {@code fct_cross_sell_candidates} row by (user_id, product_id). */
    void crossSellRow(CrossSellKey key, FctCrossSellCandidates row);

    /** A viewed pair's candidacy, from the user side to its product. */
    void crossSellState(long productId, CrossSellViewState state);

    /** An item with its product's cost (or its removal), from the product side to its order. */
    void enrichedItem(long orderId, OrderItemChange item);

    /** What an order or item adds to or takes from a user, from the order side to the user. */
    void contribution(long userId, UserContribution contribution);
}
