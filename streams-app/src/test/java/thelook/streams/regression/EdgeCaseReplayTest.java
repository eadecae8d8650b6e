package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static thelook.schemas.TheLookTable.EVENTS;
import static thelook.schemas.TheLookTable.ORDERS;
import static thelook.schemas.TheLookTable.ORDER_ITEMS;
import static thelook.schemas.TheLookTable.PRODUCTS;
import static thelook.schemas.TheLookTable.USERS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One hand-made dataset with a case for every rule of docs/marts.md (comments name the rule), replayed
 * in event-time order and in shuffled orders with duplicates, compared with the batch oracle; a few
 * values are also checked by hand so that the oracle itself is checked.
 */
class EdgeCaseReplayTest {
    @TempDir
    static Path tmp;
    static Path input;
    static List<ReplayRecords.Raw> replay;

    private static final String T0 = "2024-01-15 10:00:00 UTC";

    @BeforeAll
    static void dataset() throws Exception {
        CsvDir d = CsvDir.empty();
        d.row(PRODUCTS, "id", "1", "cost", "10.5", "retail_price", "20", "name", "Tee", "brand", "B1", "category", "Tops", "department", "Men")
         .row(PRODUCTS, "id", "2", "retail_price", "30", "name", "No cost", "brand", "B2", "category", "Jeans", "department", "Women") // cost NULL
         .row(PRODUCTS, "id", "3", "cost", "5", "name", "No price", "brand", "B3", "category", "Socks", "department", "Men")        // retail NULL
         .row(PRODUCTS, "id", "10", "cost", "1.1", "retail_price", "2.2", "name", "Never seen", "brand", "B1", "category", "Tops", "department", "Men")
         .row(PRODUCTS, "id", "11", "cost", "0.1", "retail_price", "0.3", "name", "Old", "brand", "B9", "category", "Tops", "department", "Men")
         .row(PRODUCTS, "id", "11", "cost", "0.2", "retail_price", "0.7", "name", "Duplicate key: last wins", "brand", "B9", "category", "Tops", "department", "Men");
        d.row(USERS, "id", "1", "created_at", "2023-01-01 00:00:00 UTC")
         .row(USERS, "id", "2", "created_at", "2023-01-01T00:00:00Z")
         .row(USERS, "id", "3", "created_at", "2023-01-01 00:00:00+00:00")
         .row(USERS, "id", "5"); // no created_at: replayed first, still a user; user 4 does not exist
        d.row(ORDERS, "order_id", "100", "user_id", "1", "status", "Complete", "created_at", T0,
                 "shipped_at", "2024-01-16 10:00:00 UTC", "delivered_at", "2024-01-17 10:00:00.123456 UTC")
         .row(ORDERS, "order_id", "101", "user_id", "1", "status", "Cancelled", "created_at", "2024-02-01 08:00:00 UTC")
         .row(ORDERS, "order_id", "102", "user_id", "4", "status", "Complete", "created_at", T0)            // unknown user
         .row(ORDERS, "order_id", "103", "user_id", "2", "status", "Returned", "created_at", "2024-03-01 08:00:00 UTC",
                 "shipped_at", "2024-02-28 08:00:00 UTC")                                                   // returned_at missing, shipped early
         .row(ORDERS, "order_id", "104", "status", "Shipped", "created_at", T0)                             // no user_id
         .row(ORDERS, "order_id", "105", "user_id", "3", "status", "Processing")                            // no created_at
         .row(ORDERS, "order_id", "106", "user_id", "1", "status", "Complete", "created_at", "2024-04-01 00:00:00 UTC")
         .row(ORDERS, "order_id", "106", "user_id", "2", "status", "Processing", "created_at", "2024-04-02 00:00:00 UTC"); // last wins
        d.row(ORDER_ITEMS, "id", "1000", "order_id", "100", "product_id", "1", "status", "Complete", "sale_price", "20", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1001", "order_id", "100", "product_id", "2", "status", "Complete", "sale_price", "30", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1002", "order_id", "101", "product_id", "3", "status", "Cancelled", "sale_price", "15", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1003", "order_id", "102", "product_id", "1", "status", "Complete", "sale_price", "20", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1004", "order_id", "103", "product_id", "1", "status", "Returned", "created_at", T0,
                 "shipped_at", "2024-01-10 00:00:00 UTC", "returned_at", "2024-01-20 00:00:00 UTC")        // sale NULL, no delivered_at
         .row(ORDER_ITEMS, "id", "1005", "order_id", "999", "product_id", "1", "status", "Shipped", "sale_price", "20", "created_at", T0) // no order
         .row(ORDER_ITEMS, "id", "1006", "order_id", "100", "product_id", "77", "status", "cancelled", "sale_price", "5", "created_at", T0) // lower case: a purchase
         .row(ORDER_ITEMS, "id", "1007", "order_id", "105", "product_id", "1", "sale_price", "20", "created_at", T0) // status NULL: no purchase
         .row(ORDER_ITEMS, "id", "1008", "order_id", "100", "user_id", "3", "product_id", "10", "status", "Processing", "sale_price", "2.2") // item user_id ignored
         .row(ORDER_ITEMS, "id", "1009", "order_id", "105", "status", "Shipped", "sale_price", "7", "created_at", T0) // no product_id
         .row(ORDER_ITEMS, "id", "1010", "order_id", "106", "product_id", "1", "status", "Complete", "sale_price", "20", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1010", "order_id", "106", "product_id", "2", "status", "Processing", "sale_price", "30", "created_at", T0) // last wins
         .row(ORDER_ITEMS, "id", "1011", "order_id", "104", "product_id", "1", "status", "Complete", "sale_price", "20", "created_at", T0)
         .row(ORDER_ITEMS, "id", "1012", "order_id", "101", "product_id", "11", "status", "Cancelled", "sale_price", "0.7", "created_at", T0);
        long id = 1;
        // product views and their URI rules (docs/marts.md section 2)
        view(d, id++, "1", "s1", "/product/3", "product", "2024-01-14 09:00:00 UTC");          // cancelled purchase only: candidate
        view(d, id++, "1", "s1", "/product/3", "product", "2024-01-13 09:00:00.5 UTC");        // earlier view of the same pair
        view(d, id++, "1", "s2", "/product/77?ref=x", "product", "2024-01-14T09:00:00Z");       // purchased ('cancelled'): no row
        view(d, id++, "1", "s2", "/department/men/product/7", "product", "2024-01-14 09:01:00+00:00"); // unknown product 7
        view(d, id++, "1", "s2", "/product/1", "Product", T0);                                 // not a product view (case)
        view(d, id++, "1", "s3", "/product/11", "product", T0);                                // cancelled item: candidate
        view(d, id++, "2", "s4", "/PRODUCT/5", "product", T0);                                 // no match
        view(d, id++, "2", "s4", "/product/abc/product/9", "product", T0);                     // -> 9
        view(d, id++, "2", "s4", "/product/99999999999999999999", "product", T0);              // overflow -> NULL
        view(d, id++, "2", "s4", "/product/0001", "product", T0);                              // -> 1 (returned, NULL sale)
        view(d, id++, "2", "s5", "/product/9223372036854775807", "product", T0);               // Long.MAX fits
        view(d, id++, "2", "s5", "/product/9223372036854775808/product/2", "product", T0);     // first match overflows -> NULL
        view(d, id++, "3", "s6", "/product/1", "product", "2024-01-12 00:00:00 UTC");          // NULL-status item: candidate
        view(d, id++, "3", null, "/product/1", "product", "2024-01-18 00:00:00 UTC");          // no session
        view(d, id++, "3", "s7", "/product/1", "product", null);                               // no time
        view(d, id++, "4", "s8", "/product/1", "product", T0);                                 // unknown user: candidate
        view(d, id++, null, "s9", "/product/1", "product", T0);                                // anonymous
        view(d, id++, null, "s9", "/product/2", "product", T0);
        view(d, id++, null, "s10", null, "product", T0);                                       // NULL uri
        view(d, id++, "1", "s1", "/cart", "cart", "2024-05-01 00:00:00 UTC");                  // latest event of user 1
        view(d, id++, "5", "s11", "/home", "home", "2024-01-01 00:00:00 UTC");
        view(d, id++, "5", "s11", "/product/\u0663", "product", T0);                           // non-ASCII digit: no match
        view(d, id, "1", "s12", "/product/2", "product", T0);                                  // duplicate id: the last row wins
        view(d, id, "2", "s12", "/product/2", "product", T0);
        input = d.write(tmp.resolve("input"));
        replay = ReplayRecords.plan(input);
    }

    private static void view(CsvDir d, long id, String user, String session, String uri, String type, String at) {
        d.row(EVENTS, "id", Long.toString(id), "user_id", user, "session_id", session, "uri", uri, "event_type", type,
                "created_at", at, "sequence_number", "1");
    }

    @ParameterizedTest(name = "delivery seed {0}")
    @ValueSource(longs = {0, 1, 2, 3, 4, 5, 6, 7})
    void anyDeliveryOrderEqualsBatch(long seed) throws Exception {
        List<ReplayRecords.Raw> records = seed == 0 ? replay
                : ReplayRecords.withDuplicates(ReplayRecords.shuffleAcrossTopics(replay, seed), 0.3, seed);
        Path marts = run(records, "seed" + seed);
        MartComparison.Result result = MartComparison.compare(input, marts);
        assertThat(result.differences()).as(result.toString()).isEmpty();
    }

    @Test
    void handCheckedValues() throws Exception {
        Path marts = run(replay, "by-hand");
        String cross = Files.readString(marts.resolve("fct_cross_sell_candidates.csv")).replace("\r\n", "\n");
        assertThat(cross).contains("\n1,3,No price,B3,Socks,Men,,5.0,2,2024-01-13 09:00:00.500000 UTC,2024-01-14 09:00:00.000000 UTC,0,\n");
        assertThat(cross).contains("\n1,7,,,,,,,1,");           // unknown product: NULL columns
        assertThat(cross).doesNotContain("\n1,77,");            // 'cancelled' in lower case is a purchase
        assertThat(cross).contains("\n3,1,Tee,B1,Tops,Men,20.0,10.5,3,2024-01-12 00:00:00.000000 UTC,2024-01-18 00:00:00.000000 UTC,0,60.0\n");
        assertThat(cross).contains("\n4,1,");                   // the viewer need not exist in users
        assertThat(cross).contains("\n2,9223372036854775807,");
        String product = Files.readString(marts.resolve("dim_product_performance.csv")).replace("\r\n", "\n");
        // product 1: views by users 2, 3 (x3), 4 and anonymous = 6 events in sessions s4, s6, s8, s9 (+1 without session);
        // items 1000, 1003, 1004, 1005, 1007, 1011 = 6 (1010 moved to product 2); revenue 20*5 = 100 (1004 has no price)
        assertThat(product).contains("\n1,B1,Tops,Men,20.0,10.5,6,5,6,100.0,63.0,37.0,1.2,1,0.16666666666666666\n");
        String customer = Files.readString(marts.resolve("dim_customer_metrics.csv")).replace("\r\n", "\n");
        // user 1: events 1-6 and the cart event (7) in sessions s1-s3; orders 100, 101 (106 moved to user 2); items 1000, 1001, 1002, 1006, 1008, 1012:
        // revenue 20+30+15+5+2.2+0.7 = 72.9, cost 10.5+5+1.1+0.2 = 16.8 over 4 known costs
        assertThat(customer).containsPattern("\n1,7,3,2024-05-01 00:00:00.000000 UTC,4,2024-02-01 08:00:00.000000 UTC,2,72.9\\d*,16.8\\d*,");
    }

    /**
     * Events changed after the fact. The earliest or latest view of a candidate pair retracted: event 2
     * (the first view of (1, 3)) deleted, and event 14 (the last timed view of (3, 1)) moved before every
     * other view. An anonymous event that counted nowhere becomes user 2's view of product 1 (event 19),
     * and an anonymous view of product 1 becomes a cart event (event 17).
     */
    @Test
    void eventsChangedAfterTheFact() throws Exception {
        CsvDir after = CsvDir.read(input);
        CsvDir moved = CsvDir.empty();
        after.rows(EVENTS).removeIf(e -> e.get("id").equals("2"));
        for (var e : after.rows(EVENTS)) {
            switch (e.get("id")) {
                case "14" -> e.put("created_at", "2024-01-11 00:00:00 UTC");
                case "19" -> {
                    e.put("user_id", "2");
                    e.put("uri", "/product/1");
                }
                case "17" -> {
                    e.put("uri", "/cart");
                    e.put("event_type", "cart");
                }
                default -> {
                    continue;
                }
            }
            moved.rows(EVENTS).add(new java.util.LinkedHashMap<>(e));
        }
        List<ReplayRecords.Raw> records = new java.util.ArrayList<>(replay);
        records.add(new ReplayRecords.Raw(EVENTS, 2, null));
        records.addAll(ReplayRecords.plan(moved.write(tmp.resolve("moved-view"))));
        Path expectedInput = after.write(tmp.resolve("after-retractions"));

        Path marts = run(records, "changed-events");
        MartComparison.Result result = MartComparison.compare(expectedInput, marts);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        String cross = Files.readString(marts.resolve("fct_cross_sell_candidates.csv")).replace("\r\n", "\n");
        assertThat(cross).contains("\n1,3,No price,B3,Socks,Men,,5.0,1,2024-01-14 09:00:00.000000 UTC,2024-01-14 09:00:00.000000 UTC,0,\n");
        assertThat(cross).contains("\n3,1,Tee,B1,Tops,Men,20.0,10.5,3,2024-01-11 00:00:00.000000 UTC,2024-01-12 00:00:00.000000 UTC,0,60.0\n");
    }

    private static Path run(List<ReplayRecords.Raw> records, String name) throws Exception {
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + name))) {
            harness.pipe(records);
            return harness.writeMarts(tmp.resolve("marts-" + name));
        }
    }
}
