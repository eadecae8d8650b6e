package thelook.streams.sink.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import thelook.avro.DimCustomerMetrics;
import thelook.streams.sink.MartChange;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.RowKey;
import thelook.streams.sink.SinkBatch;
import thelook.streams.sink.SinkException;
import thelook.streams.sink.SinkTarget;
import thelook.streams.testing.FakeBigQueryRest;
import thelook.streams.testing.FakeBigQueryWrite;
import thelook.streams.testing.SinkChanges;

/**
 * The BigQuery target with the real google-cloud-bigquery and google-cloud-bigquerystorage clients against
 * the fakes ({@link FakeBigQueryRest}, {@link FakeBigQueryWrite}): tables created as CDC needs them,
 * upserts and deletes, only the last version of a key sent, transient errors retried, refused rows
 * returned with the reason, and every fatal case stopped with a message that says what to do.
 */
class BigQueryTargetTest {
    static final Map<String, List<String>> KEYS = Arrays.stream(MartTable.values())
            .collect(Collectors.toMap(MartTable::tableName, MartTable::keyColumns));

    FakeBigQueryRest rest;
    FakeBigQueryWrite write;

    @BeforeEach
    void fakes() throws Exception {
        rest = new FakeBigQueryRest();
        write = new FakeBigQueryWrite(KEYS);
        rest.addDataset("proj", "marts");
    }

    @AfterEach
    void close() {
        rest.close();
        write.close();
    }

    private BigQueryTarget target(String dataset) {
        return new BigQueryTarget(new BigQuerySettings("proj", dataset, null, Duration.ofMinutes(5), rest.endpoint(), write.endpoint(),
                Duration.ofSeconds(20)));
    }

    @Test
    void createsTheTablesAsCdcNeedsThemAndAppliesUpsertsAndDeletes() {
        Instant t = Instant.parse("2024-01-15T10:23:45.123456Z");
        try (BigQueryTarget target = target("marts")) {
            target.open();
            var created = rest.table("proj", "marts", "fct_cross_sell_candidates");
            assertThat(created.path("tableConstraints").path("primaryKey").path("columns").toString()).isEqualTo("[\"user_id\",\"product_id\"]");
            assertThat(created.path("clustering").path("fields").toString()).isEqualTo("[\"user_id\",\"product_id\"]");
            assertThat(created.path("maxStaleness").asText()).isEqualTo("0-0 0 0:5:0");
            assertThat(created.path("schema").path("fields").get(0).path("type").asText()).isEqualTo("INT64");

            SinkBatch batch = new SinkBatch();
            batch.add(SinkChanges.customerChange(1, 1, SinkChanges.customer(1, 1, t)));
            batch.add(SinkChanges.customerChange(2, 2, SinkChanges.customer(2, 1, null)));
            batch.add(SinkChanges.customerChange(3, 1, SinkChanges.customer(1, 2, t))); // the newer version of user 1: the one BigQuery must get
            assertThat(target.write(batch)).isEmpty();
            SinkBatch second = new SinkBatch();
            second.add(SinkChanges.customerChange(4, 2, null));
            assertThat(target.write(second)).isEmpty();
        }
        var table = write.table("dim_customer_metrics");
        assertThat(table).containsOnlyKeys(List.of(1L));
        Map<String, Object> row = table.get(List.of(1L));
        assertThat(row).containsEntry("total_orders", 2L).containsEntry("last_order_dttm", 1705314225123456L)
                .containsEntry("total_order_revenue", 21.0).doesNotContainKey("avg_order_profit");
        assertThat(write.deletes.get()).isEqualTo(1);
    }

    @Test
    void transientErrorsAreRetriedAndRefusedRowsComeBackWithTheReason() {
        write.failAShareOfAppends(0.5);
        write.refuseRows((table, row) -> Long.valueOf(13).equals(row.get("user_id")) ? "simulated: value out of range" : null);
        List<SinkTarget.Rejected> rejected;
        try (BigQueryTarget target = target("marts")) {
            target.open();
            for (int round = 0; round < 6; round++) {
                SinkBatch batch = new SinkBatch();
                for (long id = 10; id < 20; id++) {
                    batch.add(SinkChanges.customerChange(round * 100 + id, id, SinkChanges.customer(id, round + 1, null)));
                }
                rejected = target.write(batch);
                assertThat(rejected).singleElement().satisfies(r -> {
                    assertThat(r.change().key()).isEqualTo(RowKey.of(13));
                    assertThat(r.reason()).contains("simulated: value out of range");
                });
            }
            assertThat(target.retries()).isPositive();
        }
        assertThat(write.injectedFailures.get()).isPositive();
        var table = write.table("dim_customer_metrics");
        assertThat(table).hasSize(9).doesNotContainKey(List.of(13L));
        table.values().forEach(row -> assertThat(row).containsEntry("total_orders", 6L)); // the last round everywhere
    }

    @Test
    void aMissingDatasetIsNamed() {
        assertThatThrownBy(() -> target("nope").open()).isInstanceOf(SinkException.class)
                .hasMessageContaining("proj.nope does not exist").hasMessageContaining("bq mk --dataset proj:nope");
    }

    @Test
    void aDeniedCallerIsToldTheRole() {
        rest.denyAll(true);
        assertThatThrownBy(() -> target("marts").open()).isInstanceOf(SinkException.class)
                .hasMessageContaining("denied").hasMessageContaining("roles/bigquery.dataEditor");
        rest.denyAll(false);
        write.denyAll(Status.PERMISSION_DENIED.withDescription("Permission 'TABLES_UPDATE_DATA' denied"));
        try (BigQueryTarget target = target("marts")) {
            target.open();
            SinkBatch batch = new SinkBatch();
            batch.add(SinkChanges.customerChange(1, 1, SinkChanges.customer(1, 1, null)));
            assertThatThrownBy(() -> target.write(batch)).isInstanceOf(SinkException.class)
                    .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("roles/bigquery.dataEditor");
        }
    }

    @Test
    void aTableOfAnotherShapeIsRefusedNamingTheDifference() throws Exception {
        rest.putTable("proj", "marts", "dim_customer_metrics", (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(
                "{\"tableReference\":{\"projectId\":\"proj\",\"datasetId\":\"marts\",\"tableId\":\"dim_customer_metrics\"},"
                        + "\"schema\":{\"fields\":[{\"name\":\"user_id\",\"type\":\"STRING\"}]}}"));
        assertThatThrownBy(() -> target("marts").open()).isInstanceOf(SinkException.class)
                .hasMessageContaining("dim_customer_metrics cannot take the mart").hasMessageContaining("user_id STRING")
                .hasMessageContaining("PRIMARY KEY");
    }
}
