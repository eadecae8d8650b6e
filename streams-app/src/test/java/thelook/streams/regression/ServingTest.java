package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.CatchUp;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.output.MartCsv;
import thelook.streams.serving.ApiServer;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * The HTTP API on three instances of one application (four partitions, a standby each, a bearer token
 * set) after a generated backfill: every key answered by every instance (locally or forwarded in one
 * hop) equals the batch oracle; errors are JSON with the right status; a bounded fuzz finds no 5xx.
 */
class ServingTest {
    static final String TOKEN = "s3cret-token";
    static final String APP = "thelook-serving-it";

    @TempDir
    static Path tmp;
    static EmbeddedKafka kafka;
    static final List<MartsService> instances = new ArrayList<>();
    static Path input;

    @BeforeAll
    static void start() throws Exception {
        input = tmp.resolve("input");
        new TheLookGenerator(200, 31).writeCsv(input);
        kafka = EmbeddedKafka.start(null);
        // Kafka's default session timeout: nothing is killed here, and a 10 s one expired now and then when the
        // whole suite loaded the machine, moving partitions in the middle of a test
        KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), Map.of());
        RegistrySettings registry = new RegistrySettings("mock://serving-it", Map.of());
        new BackfillJob(new BackfillJob.Options(input, clients, registry, TopicNames.defaults(), 4, OnError.FAIL),
                new JobListener() {}).run();
        for (int i = 0; i < 3; i++) {
            instances.add(MartsService.start(new MartsService.Options(clients, registry, TopicNames.defaults(), APP,
                    tmp.resolve("state-" + i), StoreKind.ROCKSDB, 1, 1, null, 100, 0, 0, null, OnError.FAIL, Duration.ofMinutes(2),
                    new ApiServer.Settings(0, "localhost", 0, TOKEN, false)), new JobListener() {}));
        }
        try (Admin admin = clients.admin()) {
            CatchUp catchUp = new CatchUp(admin, clients, APP, TheLookTopology.INPUTS.stream()
                    .map(t -> t.topic(TheLookTable.DEFAULT_TOPIC_PREFIX)).toList());
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            // Settled means: the same assignment for 5 s in a row. One look was not enough: the group sometimes
            // rebalanced again a few seconds later (a follow-up after the last instance joined), and a test then met a
            // standby's stale answer or a partition in motion.
            String settled = null;
            long since = 0;
            while (true) {
                boolean ready = catchUp.lag().caughtUp() && instances.stream().allMatch(s -> get(s, "/health/ready").status() == 200)
                        && everyMartPartitionActiveOnce();
                String assignment = ready ? assignment() : null;
                if (assignment == null || !assignment.equals(settled)) {
                    settled = assignment;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > Duration.ofSeconds(5).toNanos()) {
                    break;
                }
                assertThat(System.nanoTime()).as("three instances ready, caught up and settled in 3 minutes").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** Which instance has which partitions of which store, active and standby, as /api/instances says. */
    private static String assignment() {
        ApiRows.Response r = get(instances.get(0), "/api/instances");
        if (r.status() != 200) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode instance : r.body().get("instances")) {
            s.append(instance.path("instance").asText()).append(':');
            instance.path("stores").fields().forEachRemaining(store -> s.append(store.getKey())
                    .append(store.getValue().path("active")).append(store.getValue().path("standby")).append(','));
            s.append(';');
        }
        return s.toString();
    }

    /** Each partition of each mart store is active on exactly one instance. */
    private static boolean everyMartPartitionActiveOnce() {
        ApiRows.Response r = get(instances.get(0), "/api/instances");
        if (r.status() != 200 || r.body().get("instances").size() != instances.size()) {
            return false;
        }
        for (String store : List.of("customer-metrics", "product-performance", "cross-sell-candidates")) {
            List<Integer> active = new ArrayList<>();
            for (JsonNode instance : r.body().get("instances")) {
                JsonNode stores = instance.get("stores");
                if (stores == null) {
                    return false;
                }
                stores.get(store).get("active").forEach(p -> active.add(p.asInt()));
            }
            if (active.size() != 4 || active.stream().distinct().count() != 4) {
                return false;
            }
        }
        return true;
    }

    @AfterAll
    static void stop() {
        instances.forEach(MartsService::close);
        if (kafka != null) {
            kafka.close();
        }
    }

    static String base(MartsService s) {
        return "http://localhost:" + s.apiPort();
    }

    static ApiRows.Response get(MartsService s, String path) {
        return ApiRows.get(base(s) + path, "Authorization", "Bearer " + TOKEN);
    }

    @Test
    void everyKeyFromEveryInstanceEqualsTheOracle() throws Exception {
        CsvDir tables = CsvDir.read(input);
        List<long[]> pairs = new ArrayList<>();
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, product_id FROM fct_cross_sell_candidates")) {
            while (rs.next()) {
                pairs.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        assertThat(pairs).isNotEmpty();
        for (int i = 0; i < instances.size(); i++) {
            MartsService s = instances.get(i);
            List<DimCustomerMetrics> customers = new ArrayList<>();
            for (var user : tables.rows(TheLookTable.USERS)) {
                customers.add(ApiRows.toRecord(ok(s, "/api/customers/" + user.get("id")), DimCustomerMetrics.class));
            }
            List<DimProductPerformance> products = new ArrayList<>();
            for (var product : tables.rows(TheLookTable.PRODUCTS)) {
                products.add(ApiRows.toRecord(ok(s, "/api/products/" + product.get("id")), DimProductPerformance.class));
            }
            List<FctCrossSellCandidates> candidates = new ArrayList<>();
            for (long[] pair : pairs) {
                candidates.add(ApiRows.toRecord(ok(s, "/api/cross-sell/" + pair[0] + "/" + pair[1]), FctCrossSellCandidates.class));
            }
            Path dir = tmp.resolve("api-" + i);
            MartCsv.writeCustomerMetrics(dir, customers.iterator());
            MartCsv.writeProductPerformance(dir, products.iterator());
            MartCsv.writeCrossSellCandidates(dir, candidates.iterator());
            MartComparison.Result result = MartComparison.compare(input, dir);
            assertThat(result.differences()).as("instance " + i + ": " + result).isEmpty();
        }
    }

    private static JsonNode ok(MartsService s, String path) {
        ApiRows.Response r = get(s, path);
        assertThat(r.status()).as(path + " -> " + r.text()).isEqualTo(200);
        assertThat(r.header("X-Served-By")).as("X-Served-By of " + path).isNotBlank();
        assertThat(r.header("X-Event-Time")).as("X-Event-Time of " + path).matches(EVENT_TIME);
        return r.body();
    }

    static final String EVENT_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

    @Test
    void theSummaryFromEveryInstanceAddsUpEveryInstancesPartitionsAsTheOracleDoes() throws Exception {
        String sql = "SELECT (SELECT count(*) FROM dim_customer_metrics), (SELECT count(*) FROM dim_customer_metrics WHERE total_orders > 0),"
                + " (SELECT sum(total_orders) FROM dim_customer_metrics), (SELECT sum(total_order_revenue) FROM dim_customer_metrics),"
                + " (SELECT sum(total_sessions) FROM dim_customer_metrics), (SELECT count(*) FROM dim_product_performance),"
                + " (SELECT sum(total_product_views) FROM dim_product_performance), (SELECT count(*) FROM fct_cross_sell_candidates),"
                + " (SELECT sum(estimated_lost_revenue) FROM fct_cross_sell_candidates)";
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            for (MartsService s : instances) {
                JsonNode summary = ok(s, "/api/summary");
                assertThat(summary.get("complete").asBoolean()).isTrue();
                assertThat(summary.get("customers").asLong()).isEqualTo(rs.getLong(1));
                assertThat(summary.get("customers_with_orders").asLong()).isEqualTo(rs.getLong(2));
                assertThat(summary.get("total_orders").asLong()).isEqualTo(rs.getLong(3));
                assertThat(summary.get("total_order_revenue").asDouble()).isCloseTo(rs.getDouble(4), within(0.01));
                assertThat(summary.get("total_sessions").asLong()).isEqualTo(rs.getLong(5));
                assertThat(summary.get("products").asLong()).isEqualTo(rs.getLong(6));
                assertThat(summary.get("total_product_views").asLong()).isEqualTo(rs.getLong(7));
                assertThat(summary.get("cross_sell_candidates").asLong()).isEqualTo(rs.getLong(8));
                assertThat(summary.get("estimated_lost_revenue").asDouble()).isCloseTo(rs.getDouble(9), within(0.01));
                assertThat(summary.get("event_time").asText()).matches(EVENT_TIME);
            }
        }
    }

    @Test
    void customerTiersAreServedAndTheTierFilterListsExactlyThatTier() throws Exception {
        Map<Long, String> expected = CustomerTiersTest.expectedTiers(input); // "r,f,m,tier"
        long scored = expected.values().stream().filter(v -> !v.startsWith("null")).count();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // thresholds follow the marts within a second
        while (get(instances.get(0), "/api/customer-tiers").body().path("customers_scored").asLong() != scored) {
            assertThat(System.nanoTime()).as("thresholds over " + scored + " customers").isLessThan(deadline);
            Thread.sleep(200);
        }
        // The count can be final before the thresholds are (a customer's revenue still moving it between buckets), and each
        // instance's global store follows the thresholds topic on its own: the sample must match within the same deadline
        while (true) {
            Map<Long, String> served = new java.util.TreeMap<>();
            Map<Long, String> wanted = new java.util.TreeMap<>();
            int i = 0;
            for (long user : expected.keySet()) {
                if (i++ % 7 == 0) { // a sample, from every instance in turn
                    served.put(user, tiers(ok(instances.get(i % 3), "/api/customers/" + user)));
                    wanted.put(user, expected.get(user));
                }
            }
            if (served.equals(wanted) || System.nanoTime() > deadline) {
                assertThat(served).as("\"r,f,m,tier\" per sampled user").isEqualTo(wanted);
                break;
            }
            Thread.sleep(200);
        }
        for (String tier : List.of("high", "medium", "low")) {
            List<JsonNode> rows = walk(instances.get(tier.length() % 3), "/api/customers?tier=" + tier
                    + "&sort=total_order_revenue&order=desc&limit=23");
            List<Long> users = rows.stream().map(r -> r.get("user_id").asLong()).toList();
            assertThat(users).as(tier).doesNotHaveDuplicates();
            assertThat(new java.util.TreeSet<>(users)).as("the " + tier + " tier").isEqualTo(expected.entrySet().stream()
                    .filter(e -> e.getValue().endsWith("," + tier)).map(Map.Entry::getKey)
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
            assertInOrder(rows, "total_order_revenue", List.of("user_id"), true, tier);
        }
        String next = get(instances.get(0), "/api/customers?tier=high&limit=5").body().get("next").asText();
        assertThat(get(instances.get(1), "/api/customers?tier=low&limit=5&cursor=" + next).status()).isEqualTo(400);
        assertThat(get(instances.get(1), "/api/customers?tier=gold").status()).isEqualTo(400);
        assertThat(get(instances.get(2), "/api/products?tier=high").status()).isEqualTo(400);
    }

    private static String tiers(JsonNode row) {
        return String.join(",", row.get("recency_score").asText(), row.get("frequency_score").asText(),
                row.get("monetary_score").asText(), row.get("engagement_tier").asText());
    }

    @Test
    void listingsSayHowFreshTheirPartitionsAre() {
        ApiRows.Response page = get(instances.get(1), "/api/customers?limit=3");
        assertThat(page.header("X-Event-Time")).matches(EVENT_TIME);
        ApiRows.Response one = get(instances.get(1), "/api/customers/" + page.body().get("rows").get(0).get("user_id").asText());
        assertThat(java.time.Instant.parse(page.header("X-Event-Time")))
                .as("a page's event time is the least of its partitions'")
                .isBeforeOrEqualTo(java.time.Instant.parse(one.header("X-Event-Time")));
    }

    @Test
    void everyListingSortAndOrderWalkedPageByPageFromEveryInstanceReturnsEachRowOnceInOrder() throws Exception {
        Map<String, List<String>> keyColumns = Map.of("customers", List.of("user_id"), "products", List.of("product_id"),
                "cross-sell", List.of("user_id", "product_id"));
        Map<String, List<String>> sorts = Map.of(
                "customers", List.of("user_id", "total_order_revenue", "total_orders", "total_events", "last_order_dttm"),
                "products", List.of("product_id", "total_product_revenue", "total_product_views", "total_product_profit",
                        "product_conversion_rate", "product_return_rate"),
                "cross-sell", List.of("user_id,product_id", "estimated_lost_revenue"));
        Map<String, java.util.Set<String>> expectedKeys = new java.util.HashMap<>();
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement()) {
            for (var e : Map.of("customers", "dim_customer_metrics", "products", "dim_product_performance",
                    "cross-sell", "fct_cross_sell_candidates").entrySet()) {
                java.util.Set<String> keys = new java.util.HashSet<>();
                try (ResultSet rs = st.executeQuery("SELECT " + String.join(", ", keyColumns.get(e.getKey())) + " FROM " + e.getValue())) {
                    while (rs.next()) {
                        keys.add(keyColumns.get(e.getKey()).size() == 1 ? rs.getString(1) : rs.getString(1) + "/" + rs.getString(2));
                    }
                }
                expectedKeys.put(e.getKey(), keys);
            }
        }
        for (MartsService s : instances) {
            for (String listing : sorts.keySet()) {
                for (String sort : sorts.get(listing)) {
                    for (String order : List.of("asc", "desc")) {
                        List<JsonNode> rows = walk(s, "/api/" + listing + "?sort=" + sort + "&order=" + order + "&limit=37");
                        List<String> keys = rows.stream().map(r -> key(r, keyColumns.get(listing))).toList();
                        assertThat(keys).as(listing + " by " + sort + " " + order + ": each row once").doesNotHaveDuplicates();
                        assertThat(new java.util.HashSet<>(keys)).as(listing + " by " + sort + " " + order)
                                .isEqualTo(expectedKeys.get(listing));
                        String valueColumn = sort.contains(",") || sort.endsWith("_id") ? null : sort;
                        assertInOrder(rows, valueColumn, keyColumns.get(listing), order.equals("desc"), listing + " by " + sort + " " + order);
                    }
                }
            }
        }
    }

    @Test
    void aUsersCandidatesComeHighestLostRevenueFirst() throws Exception {
        Map<Long, java.util.Set<Long>> byUser = new java.util.TreeMap<>();
        try (BatchOracle oracle = BatchOracle.over(input); Statement st = oracle.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, product_id FROM fct_cross_sell_candidates")) {
            while (rs.next()) {
                byUser.computeIfAbsent(rs.getLong(1), u -> new java.util.HashSet<>()).add(rs.getLong(2));
            }
        }
        int checked = 0;
        for (var e : byUser.entrySet()) {
            if (checked++ > 15) {
                break;
            }
            List<JsonNode> rows = walk(instances.get(checked % 3), "/api/customers/" + e.getKey() + "/cross-sell?limit=2");
            assertThat(rows.stream().map(r -> r.get("product_id").asLong()).toList()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(e.getValue());
            assertThat(rows).allSatisfy(r -> assertThat(r.get("user_id").asLong()).isEqualTo(e.getKey()));
            assertInOrder(rows, "estimated_lost_revenue", List.of("product_id"), true, "user " + e.getKey());
        }
        assertThat(walk(instances.get(0), "/api/customers/987654321/cross-sell")).as("a user without candidates").isEmpty();
    }

    @Test
    void badListingParametersAndForeignCursorsAre400() {
        MartsService s = instances.get(0);
        expect(get(s, "/api/customers?sort=email"), 400, "bad_request");
        expect(get(s, "/api/customers?order=up"), 400, "bad_request");
        expect(get(s, "/api/products?limit=0"), 400, "bad_request");
        expect(get(s, "/api/products?limit=1001"), 400, "bad_request");
        expect(get(s, "/api/products?limit=ten"), 400, "bad_request");
        expect(get(s, "/api/cross-sell?sort=user_estimated_lost_revenue"), 400, "bad_request");
        String next = get(s, "/api/customers?sort=total_events&limit=5").body().get("next").asText();
        expect(get(s, "/api/customers?sort=total_events&order=desc&limit=5&cursor=" + next), 400, "bad_request");
        expect(get(s, "/api/products?limit=5&cursor=" + next), 400, "bad_request");
        char[] forged = next.toCharArray();
        forged[forged.length / 2] = forged[forged.length / 2] == 'A' ? 'B' : 'A';
        expect(get(s, "/api/customers?sort=total_events&limit=5&cursor=" + new String(forged)), 400, "bad_request");
        expect(get(s, "/api/customers?sort=total_events&limit=5&cursor=not-ours"), 400, "bad_request");
        assertThat(get(instances.get(2), "/api/customers?sort=total_events&limit=5&cursor=" + next).status())
                .as("another instance accepts the cursor").isEqualTo(200);
    }

    /** Every page of a listing until {@code next} is null. */
    static List<JsonNode> walk(MartsService s, String firstPage) {
        return walk(base(s), firstPage, "Authorization", "Bearer " + TOKEN);
    }

    /** As {@link #walk(MartsService, String)} on a service without a token. */
    static List<JsonNode> walkAt(String base, String firstPage) {
        return walk(base, firstPage);
    }

    private static List<JsonNode> walk(String base, String firstPage, String... headers) {
        List<JsonNode> rows = new ArrayList<>();
        String page = firstPage;
        for (int n = 0; n < 1000; n++) {
            ApiRows.Response r = ApiRows.get(base + page, headers);
            assertThat(r.status()).as(page + " -> " + r.text()).isEqualTo(200);
            r.body().get("rows").forEach(rows::add);
            JsonNode next = r.body().get("next");
            if (next.isNull()) {
                return rows;
            }
            page = firstPage + (firstPage.contains("?") ? "&" : "?") + "cursor=" + next.asText();
        }
        throw new AssertionError("more than 1000 pages");
    }

    private static String key(JsonNode row, List<String> columns) {
        return columns.stream().map(c -> row.get(c).asText()).collect(java.util.stream.Collectors.joining("/"));
    }

    /** By the value (NULL first ascending), then by key; descending reverses both. */
    private static void assertInOrder(List<JsonNode> rows, String valueColumn, List<String> keyColumns, boolean descending, String what) {
        java.util.Comparator<JsonNode> byKey = java.util.Comparator.comparingLong((JsonNode r) -> r.get(keyColumns.get(0)).asLong());
        if (keyColumns.size() > 1) {
            byKey = byKey.thenComparingLong(r -> r.get(keyColumns.get(1)).asLong());
        }
        java.util.Comparator<JsonNode> order = byKey;
        if (valueColumn != null) {
            java.util.Comparator<JsonNode> byValue = java.util.Comparator.comparing((JsonNode r) -> r.get(valueColumn),
                    java.util.Comparator.nullsFirst((a, b) -> a.isTextual() ? a.asText().compareTo(b.asText()) : Double.compare(a.asDouble(), b.asDouble())));
            order = java.util.Comparator.comparing((JsonNode r) -> r.get(valueColumn).isNull() ? null : r, java.util.Comparator.nullsFirst(byValue))
                    .thenComparing(byKey);
        }
        if (descending) {
            order = order.reversed();
        }
        List<JsonNode> sorted = new ArrayList<>(rows);
        sorted.sort(order);
        assertThat(rows).as(what + ": in order").containsExactlyElementsOf(sorted);
    }

    @Test
    void forwardedAnswersComeFromTheOwnerInOneHop() {
        int servedElsewhere = 0;
        MartsService asked = instances.get(0);
        String self = "localhost:" + asked.apiPort();
        for (int user = 1; user <= 40; user++) {
            ApiRows.Response r = get(asked, "/api/customers/" + user);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Stale")).isNull();
            if (!self.equals(r.header("X-Served-By"))) {
                servedElsewhere++;
            }
        }
        assertThat(servedElsewhere).as("keys owned by the other two instances").isPositive();
    }

    @Test
    void errorsAreJsonWithTheRightStatus() {
        MartsService s = instances.get(1);
        expect(get(s, "/api/customers/abc"), 400, "bad_request");
        expect(get(s, "/api/customers/99999999999999999999"), 400, "bad_request");
        expect(get(s, "/api/products/-"), 400, "bad_request");
        expect(get(s, "/api/cross-sell/1/x"), 400, "bad_request");
        expect(get(s, "/api/customers/987654321"), 404, "not_found");
        expect(get(s, "/api/cross-sell/1/987654321"), 404, "not_found");
        expect(get(s, "/api/nothing-here"), 404, "not_found");
        expect(ApiRows.send("POST", base(s) + "/api/customers/1", "Authorization", "Bearer " + TOKEN), 405, "method_not_allowed");
        expect(ApiRows.send("DELETE", base(s) + "/health/live"), 405, "method_not_allowed");
    }

    @Test
    void aTokenIsRequiredOnTheApiButNotOnHealthOrMetrics() {
        MartsService s = instances.get(2);
        expect(ApiRows.get(base(s) + "/api/customers/1"), 401, "unauthorized");
        expect(ApiRows.get(base(s) + "/api/customers/1", "Authorization", "Bearer wrong"), 401, "unauthorized");
        assertThat(ApiRows.get(base(s) + "/health/live").status()).isEqualTo(200);
        assertThat(ApiRows.get(base(s) + "/health/ready").status()).isEqualTo(200);
        ApiRows.Response metrics = ApiRows.get(base(s) + "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("kafka_stream").contains("thelook_mart_rows");
        ApiRows.Response openapi = ApiRows.get(base(s) + "/openapi.json");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body().get("paths").has("/api/customers/{userId}/cross-sell")).isTrue();
        assertThat(get(s, "/metrics").text()).contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/customers/{userId}\"");
    }

    @Test
    void instancesListsEveryInstanceWithItsPartitions() {
        ApiRows.Response r = get(instances.get(0), "/api/instances");
        assertThat(r.status()).isEqualTo(200);
        JsonNode list = r.body().get("instances");
        assertThat(list).hasSize(3);
        int active = 0;
        for (JsonNode instance : list) {
            assertThat(instance.get("state").asText()).isEqualTo("RUNNING");
            active += instance.get("stores").get("customer-metrics").get("active").size();
        }
        assertThat(active).as("every partition of customer-metrics active somewhere, once").isEqualTo(4);
    }

    @Test
    void aBoundedFuzzFindsNoServerError() {
        Random random = new Random(42);
        String[] prefixes = {"/api/customers/", "/api/products/", "/api/cross-sell/", "/api/customers/1/", "/api/", "/health/",
            "/metrics/", "/internal/v1/", "/", "/api/cross-sell/5/"};
        String[] pieces = {"1", "-1", "0", "9223372036854775807", "9223372036854775808", "%00", "%2e%2e", "..", "%ff%fe",
            "abc", "1e3", " ", "%20", "%25", "\u00e9", "limit=-5", "?sort=x", "?cursor=%%%", "?limit=100000", "/../../etc/passwd",
            "x".repeat(3000), "1;2", "{userId}", "%u0041", "1.5"};
        for (int i = 0; i < 300; i++) {
            StringBuilder path = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
            for (int n = random.nextInt(3); n >= 0; n--) {
                path.append(pieces[random.nextInt(pieces.length)]);
            }
            String url = base(instances.get(random.nextInt(3))) + encodeUnsafe(path.toString());
            ApiRows.Response r;
            try {
                r = random.nextBoolean() ? ApiRows.get(url, "Authorization", "Bearer " + TOKEN, "X-Garbage", "\u0001x".strip())
                        : ApiRows.get(url);
            } catch (IllegalArgumentException notAUri) {
                continue; // the client refuses to send it: nothing reached the server
            }
            assertThat(r.status() < 500 || (r.status() == 503 && r.header("Retry-After") != null))
                    .as(url + " -> " + r.status() + " " + r.text()).isTrue();
        }
    }

    /** Spaces and non-ASCII are sent percent-encoded, as any client would; the rest goes as it is. */
    private static String encodeUnsafe(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            if (c == ' ' || c > 126 || c < 32) {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append('%').append(String.format("%02X", b));
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void expect(ApiRows.Response r, int status, String error) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.body()).as("a JSON body: " + r.text()).isNotNull();
        assertThat(r.body().get("error").asText()).isEqualTo(error);
        assertThat(r.body().get("detail").asText()).isNotBlank();
    }
}
