package thelook.streams.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.streams.sink.MartChange;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.RowKey;
import thelook.streams.sink.SinkBatch;
import thelook.streams.sink.SinkException;
import thelook.streams.testing.SinkChanges;

/**
 * A batch is one transaction: its upserts are appended straight into the tables (DuckDB's appender, inside the
 * connection's open transaction), so a batch that fails half-way must leave every table as the last batch did.
 */
class DuckDbTargetTest {
    private static final Instant T = Instant.parse("2024-01-15T10:23:45.123456Z");

    @Test
    void upsertsAndDeletesReplaceEachKeysRow(@TempDir Path dir) throws Exception {
        try (DuckDbTarget target = new DuckDbTarget(dir.resolve("marts.duckdb"), null)) {
            target.open();
            target.write(batch(SinkChanges.customerChange(1, 1, SinkChanges.customer(1, 1, T)),
                    SinkChanges.customerChange(2, 2, SinkChanges.customer(2, 1, null)),
                    SinkChanges.customerChange(3, 3, SinkChanges.customer(3, 4, T))));
            target.write(batch(SinkChanges.customerChange(4, 1, SinkChanges.customer(1, 2, T)),
                    SinkChanges.customerChange(5, 2, null), // a delete
                    SinkChanges.customerChange(6, 4, SinkChanges.customer(4, 7, T))));
            assertThat(orders(target)).containsExactly("1:2", "3:4", "4:7");
        }
    }

    @Test
    void pairKeysAreReplacedAsPairs(@TempDir Path dir) throws Exception {
        try (DuckDbTarget target = new DuckDbTarget(dir.resolve("marts.duckdb"), null)) {
            target.open();
            target.write(batch(pair(1, 1, 10, 3), pair(2, 1, 11, 4), pair(3, 2, 10, 5)));
            target.write(batch(pair(4, 1, 10, -1), pair(5, 2, 10, 8), pair(6, 2, 11, 1))); // a delete, an update, a new pair
            List<String> rows = new ArrayList<>();
            try (Statement st = target.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT user_id, product_id, total_product_views FROM fct_cross_sell_candidates"
                         + " ORDER BY ALL")) {
                while (rs.next()) {
                    rows.add(rs.getLong(1) + "," + rs.getLong(2) + ":" + rs.getLong(3));
                }
            }
            assertThat(rows).containsExactly("1,11:4", "2,10:8", "2,11:1");
        }
    }

    /** The keys reach DuckDB as text lists: every long must come back as itself, the extremes and negatives too. */
    @Test
    void anyLongKeyIsReplacedAndDeleted(@TempDir Path dir) throws Exception {
        long[] ids = {Long.MIN_VALUE, -1, 0, 7, Long.MAX_VALUE};
        try (DuckDbTarget target = new DuckDbTarget(dir.resolve("marts.duckdb"), null)) {
            target.open();
            List<MartChange> first = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                first.add(SinkChanges.customerChange(i, ids[i], SinkChanges.customer(ids[i], 1, T)));
            }
            target.write(batch(first.toArray(MartChange[]::new)));
            target.write(batch(SinkChanges.customerChange(10, Long.MIN_VALUE, SinkChanges.customer(Long.MIN_VALUE, 2, T)),
                    SinkChanges.customerChange(11, Long.MAX_VALUE, null), SinkChanges.customerChange(12, -1, null),
                    pair(13, Long.MAX_VALUE, Long.MIN_VALUE, 5)));
            target.write(batch(pair(14, Long.MAX_VALUE, Long.MIN_VALUE, 6)));
            assertThat(orders(target)).containsExactly(Long.MIN_VALUE + ":2", "0:1", "7:1");
            try (Statement st = target.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT user_id, product_id, total_product_views FROM fct_cross_sell_candidates")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).containsExactly(Long.MAX_VALUE, Long.MIN_VALUE, 6L);
                assertThat(rs.next()).as("the pair's first version was replaced").isFalse();
            }
        }
    }

    /** A cross-sell change; {@code views} -1 for a delete. */
    private static MartChange pair(long offset, long user, long product, long views) {
        FctCrossSellCandidates row = null;
        if (views >= 0) {
            row = new FctCrossSellCandidates();
            row.setUserId(user);
            row.setProductId(product);
            row.setTotalProductViews(views);
        }
        return new MartChange(MartTable.FCT_CROSS_SELL_CANDIDATES, RowKey.of(user, product), row, "thelook.mart.fct_cross_sell_candidates",
                0, offset, 0, false, new byte[16], row == null ? null : new byte[10]);
    }

    @Test
    void aBatchThatFailsHalfWayLeavesTheTablesAsTheLastBatchDid(@TempDir Path dir) throws Exception {
        try (DuckDbTarget target = new DuckDbTarget(dir.resolve("marts.duckdb"), null)) {
            target.open();
            target.write(batch(SinkChanges.customerChange(1, 1, SinkChanges.customer(1, 1, T)),
                    SinkChanges.customerChange(2, 2, SinkChanges.customer(2, 3, T))));

            try (Statement st = target.connection().createStatement()) {
                st.execute("DROP TABLE dim_product_performance"); // someone else's doing: the product part of a batch must fail
            }
            SinkBatch second = new SinkBatch(); // the customers are written first, then the products fail
            second.add(SinkChanges.customerChange(3, 1, SinkChanges.customer(1, 5, T)));
            second.add(SinkChanges.customerChange(4, 2, null));
            DimProductPerformance product = new DimProductPerformance();
            product.setProductId(9L);
            second.add(new MartChange(MartTable.DIM_PRODUCT_PERFORMANCE, RowKey.of(9), product, "thelook.mart.dim_product_performance",
                    0, 1, 0, false, new byte[8], new byte[10]));
            assertThatThrownBy(() -> target.write(second)).isInstanceOf(SinkException.class)
                    .hasMessageContaining("cannot write to the DuckDB file");

            assertThat(orders(target)).as("the customers' delete and append rolled back with the batch").containsExactly("1:1", "2:3");
        }
    }

    private static SinkBatch batch(MartChange... changes) {
        SinkBatch batch = new SinkBatch();
        for (MartChange c : changes) {
            batch.add(c);
        }
        return batch;
    }

    private static List<String> orders(DuckDbTarget target) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement st = target.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, total_orders FROM dim_customer_metrics ORDER BY user_id")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + ":" + rs.getLong(2));
            }
        }
        return out;
    }
}
