package thelook.streams.sink.duckdb;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The RFM scores in the DuckDB file: three columns after {@code engagement_tier} in {@code dim_customer_metrics},
 * recomputed in SQL from the table itself by the definition of docs/marts.md (the k-th threshold of a metric is
 * the bucket of the ceil(k * N / 5)-th smallest bucketed value; a score is 1 plus the thresholds above which the
 * customer's bucket lies). One statement over the whole table, so at most every {@link #EVERY_NANOS}, in a transaction of
 * its own right after a batch's: a reader sees scores at most that old, and never a half-scored table. They are the API's
 * scores (its thresholds are kept incrementally from the same buckets).
 *
 * <p>Only the rows whose scores change are updated: between two rescorings most customers keep theirs, and rewriting
 * every row made each rescoring about 30% slower and wrote 80 times more to DuckDB's write-ahead log (with 100 of
 * 100,000 customers changed in between: 680 KB against 9 KB per rescoring), which brought checkpoints sooner.
 */
final class RfmScores {
    static final String COLUMNS = "recency_score INTEGER, frequency_score INTEGER, monetary_score INTEGER";
    static final java.util.List<String> NAMES = java.util.List.of("recency_score", "frequency_score", "monetary_score");
    static final long EVERY_NANOS = 5_000_000_000L; // one rescoring of 100,000 customers: about 100 ms of the sink thread

    private static final String RESCORE = """
            WITH scored AS (
              SELECT user_id,
                     greatest(0, floor(epoch_us(last_order_dttm) / 86400000000))::BIGINT AS r,
                     total_orders AS f,
                     CASE WHEN total_order_revenue > 0
                          THEN greatest(1, ceil(ln(total_order_revenue) / ln(1.01) - 1e-9)::BIGINT + 10000) ELSE 0 END AS m
              FROM dim_customer_metrics WHERE total_orders > 0 AND last_order_dttm IS NOT NULL),
            n AS (SELECT count(*) AS n FROM scored),
            cuts AS (
              SELECT list_sort(list(r)) AS rs, list_sort(list(f)) AS fs, list_sort(list(m)) AS ms FROM scored),
            bounds AS (
              SELECT [rs[ceil(k * n / 5.0)::BIGINT] FOR k IN range(1, 5)] AS cr,
                     [fs[ceil(k * n / 5.0)::BIGINT] FOR k IN range(1, 5)] AS cf,
                     [ms[ceil(k * n / 5.0)::BIGINT] FOR k IN range(1, 5)] AS cm
              FROM cuts, n),
            fresh AS (
              SELECT s.user_id,
                     1 + len(list_filter(b.cr, lambda c: s.r > c)) AS recency,
                     1 + len(list_filter(b.cf, lambda c: s.f > c)) AS frequency,
                     1 + len(list_filter(b.cm, lambda c: s.m > c)) AS monetary
              FROM scored s, bounds b)
            UPDATE dim_customer_metrics SET recency_score = f.recency, frequency_score = f.frequency, monetary_score = f.monetary
            FROM fresh f
            WHERE dim_customer_metrics.user_id = f.user_id
              AND (recency_score IS DISTINCT FROM f.recency OR frequency_score IS DISTINCT FROM f.frequency
                   OR monetary_score IS DISTINCT FROM f.monetary)
            """;

    private long lastNanos;
    private boolean pending;

    /** Customers changed in this batch. */
    void changed() {
        pending = true;
    }

    /** Whether customers changed and the last rescoring is {@link #EVERY_NANOS} old. */
    boolean due() {
        return pending && System.nanoTime() - lastNanos >= EVERY_NANOS;
    }

    /** Rescores when customers changed since the last rescoring; true when it did. */
    boolean rescoreIfPending(Statement st) throws SQLException {
        if (!pending) {
            return false;
        }
        st.execute(RESCORE);
        st.execute("UPDATE dim_customer_metrics SET recency_score = NULL, frequency_score = NULL, monetary_score = NULL"
                + " WHERE (total_orders = 0 OR last_order_dttm IS NULL) AND recency_score IS NOT NULL");
        pending = false;
        lastNanos = System.nanoTime();
        return true;
    }
}
