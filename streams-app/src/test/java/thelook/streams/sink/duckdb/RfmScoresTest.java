package thelook.streams.sink.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import thelook.streams.regression.CustomerTiersTest;
import thelook.streams.sink.MartTable;

/**
 * A rescoring updates only the customers whose scores change: after customers gain orders, lose them all, or
 * arrive, the table must hold the scores the definition gives over the whole table, as computed by the batch
 * oracle's SQL (ranks by row_number, not the sink's sorted lists).
 */
class RfmScoresTest {
    private final Random random = new Random(7);

    @Test
    void rescoringOnlyTheChangedRowsLeavesTheScoresOfTheWholeTable() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(DuckDbTarget.createTable(MartTable.DIM_CUSTOMER_METRICS));
            for (long user = 1; user <= 300; user++) {
                insert(st, user);
            }
            RfmScores scores = new RfmScores();
            scores.changed();
            assertThat(scores.rescoreIfPending(st)).isTrue();
            assertThat(scoresIn(st)).isEqualTo(expected(st)).hasSize(300);

            for (long user = 1; user <= 300; user += 7) { // more orders and revenue, a later last order
                st.execute("UPDATE dim_customer_metrics SET total_orders = total_orders + " + (1 + random.nextInt(4))
                        + ", total_order_revenue = total_order_revenue * 3, last_order_dttm = last_order_dttm + INTERVAL 90 DAY"
                        + " WHERE user_id = " + user);
            }
            st.execute("UPDATE dim_customer_metrics SET total_orders = 0, total_order_revenue = 0, last_order_dttm = NULL"
                    + " WHERE user_id IN (3, 5, 11)"); // every order deleted: no scores
            for (long user = 301; user <= 340; user++) {
                insert(st, user); // new customers, unscored yet
            }
            assertThat(scores.rescoreIfPending(st)).as("nothing marked changed: no rescoring").isFalse();
            scores.changed();
            assertThat(scores.rescoreIfPending(st)).isTrue();
            Map<Long, String> now = scoresIn(st);
            assertThat(now).isEqualTo(expected(st));
            assertThat(now).containsEntry(3L, "null,null,null").hasSize(340);
        }
    }

    private void insert(Statement st, long user) throws Exception {
        int orders = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(8);
        double revenue = orders == 0 ? 0 : Math.round(random.nextDouble() * 2_000 * 100) / 100.0;
        String lastOrder = orders == 0 ? "NULL" : "TIMESTAMP '2023-01-01' + INTERVAL " + random.nextInt(900) + " DAY";
        st.execute("INSERT INTO dim_customer_metrics (user_id, total_events, total_sessions, last_event_dttm, total_products_viewed,"
                + " last_order_dttm, total_orders, total_order_revenue, total_order_cost, total_order_profit, avg_order_revenue,"
                + " avg_order_cost, avg_order_profit, total_products_purchased, engagement_tier) VALUES (" + user + ", 10, 3, NULL, 4, "
                + lastOrder + ", " + orders + ", " + revenue + ", 0, 0, 0, 0, NULL, " + orders + ", 'medium')");
    }

    private static Map<Long, String> scoresIn(Statement st) throws Exception {
        return scoresBy(st, "SELECT user_id, recency_score, frequency_score, monetary_score FROM dim_customer_metrics");
    }

    /** Every customer: the oracle's scores, or none without an order. */
    private static Map<Long, String> expected(Statement st) throws Exception {
        return scoresBy(st, "SELECT c.user_id, o.recency_score, o.frequency_score, o.monetary_score"
                + " FROM dim_customer_metrics c LEFT JOIN (" + CustomerTiersTest.ORACLE + ") o USING (user_id)");
    }

    /** user_id -> "r,f,m" from a query of those four columns. */
    private static Map<Long, String> scoresBy(Statement st, String sql) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2) + "," + rs.getString(3) + "," + rs.getString(4));
            }
        }
        return out;
    }
}
