package thelook.streams.testing;

import java.time.Instant;
import thelook.avro.DimCustomerMetrics;
import thelook.streams.sink.MartChange;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.RowKey;

/** Customer rows and their changes, as a sink target's tests hand them over without Kafka. */
public final class SinkChanges {
    private SinkChanges() {
    }

    public static DimCustomerMetrics customer(long id, long orders, Instant lastOrder) {
        return DimCustomerMetrics.newBuilder().setUserId(id).setTotalEvents(3).setTotalSessions(1).setLastEventDttm(null)
                .setTotalProductsViewed(2).setLastOrderDttm(lastOrder).setTotalOrders(orders).setTotalOrderRevenue(10.5 * orders)
                .setTotalOrderCost(4.25).setTotalOrderProfit(6.25).setAvgOrderRevenue(10.5).setAvgOrderCost(4.25).setAvgOrderProfit(null)
                .setTotalProductsPurchased(orders).build();
    }

    /** The change at {@code offset} of user {@code id}'s row; a delete when {@code row} is null. */
    public static MartChange customerChange(long offset, long id, DimCustomerMetrics row) {
        return new MartChange(MartTable.DIM_CUSTOMER_METRICS, RowKey.of(id), row, "thelook.mart.dim_customer_metrics", 0, offset,
                0, false, new byte[8], row == null ? null : new byte[100]);
    }
}
