package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.OrderItem;
import thelook.schemas.TheLookTable;
import thelook.avro.User;
import thelook.streams.names.TopicNames;

/** Records the topology cannot use go to the DLQ with the reason in headers; the rest is processed. */
class DeadLetterTest {
    @TempDir
    Path tmp;

    @Test
    void garbageAndNonFiniteValuesGoToTheDeadLetterTopicAndProcessingGoesOn() throws Exception {
        Path input = CsvDir.empty()
                .row(TheLookTable.PRODUCTS, "id", "1", "cost", "2", "retail_price", "5", "brand", "B", "category", "C", "department", "Men", "name", "P")
                .row(TheLookTable.USERS, "id", "1", "created_at", "2024-01-01 00:00:00 UTC")
                .row(TheLookTable.ORDERS, "order_id", "10", "user_id", "1", "status", "Complete", "created_at", "2024-01-02 00:00:00 UTC")
                .row(TheLookTable.ORDER_ITEMS, "id", "100", "order_id", "10", "product_id", "1", "status", "Complete", "sale_price", "5")
                .write(tmp.resolve("input"));
        TopicNames topics = TopicNames.defaults();
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state"))) {
            var driver = harness.driver();
            driver.createInputTopic(TheLookTable.EVENTS.topic(topics.prefix()), new LongSerializer(), new ByteArraySerializer())
                    .pipeInput(7L, new byte[] {1, 2, 3, 4, 5});                       // not an Avro Event
            OrderItem nan = OrderItem.newBuilder().setId(101L).setOrderId(10L).setProductId(1L).setSalePrice(Double.NaN).build();
            driver.createInputTopic(TheLookTable.ORDER_ITEMS.topic(topics.prefix()), new LongSerializer(), new ByteArraySerializer())
                    .pipeInput(101L, TestSerdes.REGISTRY.value(OrderItem.class).serializer()
                            .serialize(TheLookTable.ORDER_ITEMS.topic(topics.prefix()), nan));
            driver.createInputTopic(TheLookTable.EVENTS.topic(topics.prefix()), new LongSerializer(), new ByteArraySerializer())
                    .pipeInput(8L, new byte[] {0, 0x7f, 0, 0, 1, 2});                 // framed, but no such schema id
            User user = User.newBuilder().setId(9L).build();
            driver.createInputTopic(TheLookTable.EVENTS.topic(topics.prefix()), new LongSerializer(), new ByteArraySerializer())
                    .pipeInput(9L, TestSerdes.REGISTRY.value(User.class).serializer()  // a User's schema on the events topic
                            .serialize(TheLookTable.USERS.topic(topics.prefix()), user));
            harness.pipe(ReplayRecords.plan(input));                                  // good records after the bad ones

            List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic(topics.deadLetters(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            assertThat(dead).hasSize(4);
            assertThat(dead).allSatisfy(r -> assertThat(r.headers().lastHeader("__streams.errors.exception")).isNotNull());
            assertThat(dead).extracting(r -> new String(r.headers().lastHeader("__streams.errors.message").value()))
                    .satisfiesExactly(
                            m -> assertThat(m).contains("unknown magic byte 1"),
                            m -> assertThat(m).contains("sale_price is not a finite number"),
                            m -> assertThat(m).contains("Schema 2130706433 not found"),
                            m -> assertThat(m).contains("is thelook.avro.User, not the thelook.avro.Event"));
            Path marts = harness.writeMarts(tmp.resolve("marts"));
            MartComparison.Result result = MartComparison.compare(input, marts);
            assertThat(result.differences()).as(result.toString()).isEmpty();
            assertThat(result.rowsPerMart()).containsEntry("dim_customer_metrics", 1);
        }
    }
}
