package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.internal.OrderItemChange;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/**
 * When an item moves to another product, its removal (from the old product's partition) and its upsert
 * (from the new one) reach the order in either order, and an older version can arrive last. One
 * partition on TopologyTestDriver never reorders them, so this test delivers them to the order side's
 * repartition topic in the bad orders directly. Expected values by hand.
 */
class ItemVersionOrderTest {
    @TempDir
    Path tmp;

    @Test
    void theNewestVersionWinsWhateverOrderTheProductPartitionsDeliverIn() throws Exception {
        Path input = CsvDir.empty()
                .row(TheLookTable.PRODUCTS, "id", "1", "cost", "1", "retail_price", "5", "brand", "B", "category", "C", "department", "Men", "name", "one")
                .row(TheLookTable.PRODUCTS, "id", "2", "cost", "3", "retail_price", "7", "brand", "B", "category", "C", "department", "Men", "name", "two")
                .row(TheLookTable.USERS, "id", "1", "created_at", "2024-01-01 00:00:00 UTC")
                .row(TheLookTable.ORDERS, "order_id", "10", "user_id", "1", "status", "Complete", "created_at", "2024-01-02 00:00:00 UTC")
                .write(tmp.resolve("input"));
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state"))) {
            harness.pipe(ReplayRecords.plan(input));
            TestInputTopic<Long, OrderItemChange> toOrders = harness.driver().createInputTopic(
                    "thelook-test-items-by-order-repartition", new LongSerializer(),
                    TopicSerdes.plainAvro().value(OrderItemChange.class).serializer());
            OrderItemChange v1AtProduct1 = new OrderItemChange(100L, 1L, true, 1L, "Complete", 5.0, 1.0);
            OrderItemChange v2AtProduct2 = new OrderItemChange(100L, 2L, true, 2L, "Complete", 7.0, 3.0);
            OrderItemChange v2LeftProduct1 = new OrderItemChange(100L, 2L, false, null, null, null, null);

            toOrders.pipeInput(10L, v2AtProduct2);   // the new product's partition was faster
            toOrders.pipeInput(10L, v2LeftProduct1); // the removal from the old product comes late: ignored
            toOrders.pipeInput(10L, v1AtProduct1);   // an even older version comes last: ignored
            toOrders.pipeInput(10L, v2AtProduct2);   // a duplicate: nothing changes

            String customers = Files.readString(harness.writeMarts(tmp.resolve("marts")).resolve("dim_customer_metrics.csv"));
            // user 1: one item, product 2, sale 7, cost 3
            assertThat(customers.replace("\r\n", "\n")).contains("\n1,0,0,,0,2024-01-02 00:00:00.000000 UTC,1,7.0,3.0,4.0,7.0,3.0,4.0,1\n");

            toOrders.pipeInput(10L, new OrderItemChange(100L, 3L, false, null, null, null, null)); // deleted at v3
            toOrders.pipeInput(10L, v2AtProduct2);                                                  // stale: stays deleted
            customers = Files.readString(harness.writeMarts(tmp.resolve("marts2")).resolve("dim_customer_metrics.csv"));
            assertThat(customers.replace("\r\n", "\n")).contains("\n1,0,0,,0,2024-01-02 00:00:00.000000 UTC,1,0.0,0.0,0.0,0.0,0.0,,0\n");
        }
    }
}
