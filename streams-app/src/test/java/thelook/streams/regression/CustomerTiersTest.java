package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import thelook.avro.CustomerTierThresholds;
import thelook.avro.DimCustomerMetrics;
import thelook.backfill.generate.TheLookGenerator;
import thelook.streams.names.StoreNames;
import thelook.streams.names.TopicNames;
import thelook.streams.tiers.CustomerTiers;
import thelook.streams.topology.StoreKind;

/**
 * Customer tiers on the service's topology, fed shuffled across topics with duplicates: the RFM thresholds kept
 * incrementally, and every customer's scores and engagement tier, equal what SQL computes from the batch marts by
 * the definition of docs/marts.md (ranks over the bucketed values, ties sharing the lower score).
 */
public class CustomerTiersTest {
    @TempDir
    static Path tmp;
    static Path input;
    static List<ReplayRecords.Raw> replay;

    @BeforeAll
    static void generate() {
        input = tmp.resolve("input");
        new TheLookGenerator(600, 11).writeCsv(input);
        replay = ReplayRecords.withDuplicates(ReplayRecords.shuffleAcrossTopics(ReplayRecords.plan(input), 5), 0.2, 3);
    }

    /** SQL over the batch marts: each metric's bucket per customer with an order, the thresholds, the scores and tiers. */
    public static final String ORACLE = """
            WITH scored AS (
              SELECT user_id, total_sessions, total_events,
                     greatest(0, floor(epoch_us(last_order_dttm) / 86400000000))::BIGINT AS r,
                     total_orders AS f,
                     CASE WHEN total_order_revenue > 0
                          THEN greatest(1, ceil(ln(total_order_revenue) / ln(1.01) - 1e-9)::BIGINT + 10000) ELSE 0 END AS m
              FROM dim_customer_metrics WHERE total_orders > 0 AND last_order_dttm IS NOT NULL),
            n AS (SELECT count(*) AS n FROM scored),
            ranked AS (SELECT *, row_number() OVER (ORDER BY r) AS rr, row_number() OVER (ORDER BY f) AS rf,
                              row_number() OVER (ORDER BY m) AS rm FROM scored),
            cuts AS (SELECT k,
                       (SELECT r FROM ranked WHERE rr = ceil(k * n / 5.0)) AS cr,
                       (SELECT f FROM ranked WHERE rf = ceil(k * n / 5.0)) AS cf,
                       (SELECT m FROM ranked WHERE rm = ceil(k * n / 5.0)) AS cm
                     FROM range(1, 5) t(k), n)
            SELECT s.user_id,
                   1 + (SELECT count(*) FROM cuts WHERE s.r > cr) AS recency_score,
                   1 + (SELECT count(*) FROM cuts WHERE s.f > cf) AS frequency_score,
                   1 + (SELECT count(*) FROM cuts WHERE s.m > cm) AS monetary_score
            FROM scored s
            """;

    /** Per user: "r,f,m,tier" by the definition over the batch marts of {@code input} (scores empty without orders). */
    static Map<Long, String> expectedTiers(Path input) throws Exception {
        Map<Long, String> out = new java.util.TreeMap<>();
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT c.user_id, o.recency_score, o.frequency_score, o.monetary_score, CASE WHEN"
                     + " c.total_sessions >= 4 AND c.total_events >= 15 THEN 'high' WHEN c.total_sessions <= 1 OR c.total_events < 5"
                     + " THEN 'low' ELSE 'medium' END FROM dim_customer_metrics c LEFT JOIN (" + ORACLE + ") o USING (user_id)")) {
            while (rs.next()) {
                out.put(rs.getLong(1), line(rs));
            }
        }
        return out;
    }

    /** The same, as the DuckDB sink wrote them. */
    static Map<Long, String> tiersInDuckDb(Path file) throws Exception {
        Map<Long, String> out = new java.util.TreeMap<>();
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, recency_score, frequency_score, monetary_score, engagement_tier"
                     + " FROM dim_customer_metrics")) {
            while (rs.next()) {
                out.put(rs.getLong(1), line(rs));
            }
        }
        return out;
    }

    private static String line(ResultSet rs) throws java.sql.SQLException {
        return rs.getString(2) + "," + rs.getString(3) + "," + rs.getString(4) + "," + rs.getString(5);
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void scoresAndTiersEqualTheDefinitionOverTheBatchMarts(StoreKind stores) throws Exception {
        Map<Long, int[]> expected = new HashMap<>();
        Map<Long, String> expectedTier = new HashMap<>();
        long expectedScored;
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement()) {
            try (ResultSet rs = st.executeQuery(ORACLE)) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), new int[] {rs.getInt(2), rs.getInt(3), rs.getInt(4)});
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT user_id, CASE WHEN total_sessions >= 4 AND total_events >= 15 THEN 'high'"
                    + " WHEN total_sessions <= 1 OR total_events < 5 THEN 'low' ELSE 'medium' END FROM dim_customer_metrics")) {
                while (rs.next()) {
                    expectedTier.put(rs.getLong(1), rs.getString(2));
                }
            }
            expectedScored = expected.size();
        }
        assertThat(expectedScored).isGreaterThan(100);
        assertThat(expected.values().stream().map(s -> s[2]).distinct().count()).as("monetary scores spread over 1-5").isEqualTo(5);

        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + stores), TopicNames.defaults(), TestSerdes.REGISTRY,
                stores, true)) {
            harness.pipe(replay);
            harness.driver().advanceWallClockTime(Duration.ofSeconds(2));
            KeyValueStore<Long, CustomerTierThresholds> global = harness.driver().getKeyValueStore(StoreNames.CUSTOMER_TIER_THRESHOLDS);
            CustomerTierThresholds thresholds = global.get(0L);
            assertThat(thresholds).isNotNull();
            assertThat(thresholds.getCustomersScored()).isEqualTo(expectedScored);

            KeyValueStore<Long, DimCustomerMetrics> customers = harness.driver().getKeyValueStore(StoreNames.CUSTOMER_METRICS);
            int compared = 0;
            try (KeyValueIterator<Long, DimCustomerMetrics> it = customers.all()) {
                while (it.hasNext()) {
                    DimCustomerMetrics row = it.next().value;
                    int[] scores = CustomerTiers.scores(row, thresholds);
                    int[] want = expected.get(row.getUserId());
                    assertThat(scores).as("scores of user " + row.getUserId()).isEqualTo(want);
                    assertThat(CustomerTiers.engagementTier(row)).as("tier of user " + row.getUserId())
                            .isEqualTo(expectedTier.get(row.getUserId()));
                    compared++;
                }
            }
            assertThat(compared).isEqualTo(expectedTier.size());
        }
    }
}
