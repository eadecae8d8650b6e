package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static thelook.schemas.TheLookTable.EVENTS;
import static thelook.schemas.TheLookTable.ORDERS;
import static thelook.schemas.TheLookTable.ORDER_ITEMS;
import static thelook.schemas.TheLookTable.PRODUCTS;
import static thelook.schemas.TheLookTable.USERS;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;

/**
 * Updates and deletes arriving mid-stream on every input topic: an order moved to another user or to
 * no user, item statuses flipping between Cancelled and Complete, an item moved to another product and
 * order, product prices changed, and users, orders, items, events and a product deleted (tombstones),
 * one event deleted and re-created. Each change is delivered at a random point after the key's own
 * earlier versions. Expected: the batch oracle over the snapshot with the same changes applied.
 */
class MutationReplayTest {
    @TempDir
    static Path tmp;
    static CsvDir base;
    static List<ReplayRecords.Raw> baseReplay;

    @BeforeAll
    static void generate() throws Exception {
        Path dir = tmp.resolve("base");
        new TheLookGenerator(300, 3).writeCsv(dir);
        base = CsvDir.read(dir);
        baseReplay = ReplayRecords.plan(dir);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void updatesAndDeletesMidStreamEqualBatch(long seed) throws Exception {
        Changes changes = new Changes(CsvDir.read(tmp.resolve("base")));
        Map<String, String> movedOrder = changes.update(ORDERS, r -> r.get("user_id") != null && hasItems(r.get("order_id")),
                r -> r.put("user_id", other(r.get("user_id"))));
        changes.update(ORDERS, r -> r.get("user_id") != null && !r.equals(movedOrder) && hasItems(r.get("order_id")),
                r -> r.put("user_id", null));
        changes.update(ORDER_ITEMS, r -> "Cancelled".equals(r.get("status")), r -> r.put("status", "Complete"));
        changes.update(ORDER_ITEMS, r -> "Complete".equals(r.get("status")), r -> r.put("status", "Cancelled"));
        changes.update(ORDER_ITEMS, r -> "Shipped".equals(r.get("status")), r -> {
            r.put("product_id", "3");
            r.put("order_id", movedOrder.get("order_id"));
        });
        changes.update(PRODUCTS, r -> viewedAndSold(r.get("id")), r -> {
            r.put("cost", "12.345");
            r.put("retail_price", "99.99");
        });
        changes.delete(USERS, r -> r.get("id").equals(userWithOrdersAndViews()));
        changes.delete(ORDERS, r -> hasItems(r.get("order_id")) && r.get("user_id") != null && !r.equals(movedOrder));
        changes.delete(ORDER_ITEMS, r -> "Returned".equals(r.get("status")));
        changes.delete(EVENTS, r -> "product".equals(r.get("event_type")) && r.get("user_id") != null);
        changes.delete(PRODUCTS, r -> viewedAndSold(r.get("id")) && !r.get("id").equals("3"));
        changes.recreate(EVENTS, r -> "cart".equals(r.get("event_type")) && r.get("user_id") != null);

        Path expectedInput = changes.after.write(tmp.resolve("after-" + seed));
        List<ReplayRecords.Raw> stream = changes.deliverMidStream(
                ReplayRecords.shuffleAcrossTopics(baseReplay, seed), tmp.resolve("changes-" + seed), seed);
        Path marts;
        try (DriverHarness harness = new DriverHarness(tmp.resolve("state-" + seed))) {
            harness.pipe(stream);
            marts = harness.writeMarts(tmp.resolve("marts-" + seed));
        }
        MartComparison.Result result = MartComparison.compare(expectedInput, marts);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(changes.count()).isGreaterThanOrEqualTo(12);
    }

    private static boolean hasItems(String orderId) {
        return base.rows(ORDER_ITEMS).stream().anyMatch(i -> orderId.equals(i.get("order_id")));
    }

    private static boolean viewedAndSold(String productId) {
        return base.rows(ORDER_ITEMS).stream().anyMatch(i -> productId.equals(i.get("product_id")))
                && base.rows(EVENTS).stream().anyMatch(e -> ("/product/" + productId).equals(e.get("uri")));
    }

    private static String userWithOrdersAndViews() {
        for (Map<String, String> o : base.rows(ORDERS)) {
            String u = o.get("user_id");
            if (u != null && base.rows(EVENTS).stream().anyMatch(e -> u.equals(e.get("user_id")) && "product".equals(e.get("event_type")))) {
                return u;
            }
        }
        throw new IllegalStateException("no user with orders and views");
    }

    private static String other(String userId) {
        return Long.toString(Long.parseLong(userId) % 300 + 1);
    }

    /** The snapshot after the changes, and the records that carry them. */
    private static final class Changes {
        final CsvDir after;
        final CsvDir changedRows = CsvDir.empty();
        final List<ReplayRecords.Raw> tombstones = new ArrayList<>();
        final List<ReplayRecords.Raw> recreated = new ArrayList<>();

        Changes(CsvDir after) {
            this.after = after;
        }

        Map<String, String> update(TheLookTable table, Predicate<Map<String, String>> which,
                                   java.util.function.Consumer<Map<String, String>> change) {
            Map<String, String> row = first(table, which);
            change.accept(row);
            changedRows.rows(table).add(new LinkedHashMap<>(row));
            return row;
        }

        void delete(TheLookTable table, Predicate<Map<String, String>> which) {
            Map<String, String> row = first(table, which);
            after.rows(table).remove(row);
            tombstones.add(new ReplayRecords.Raw(table, Long.parseLong(row.get(table.primaryKey())), null));
        }

        void recreate(TheLookTable table, Predicate<Map<String, String>> which) throws Exception {
            Map<String, String> row = first(table, which);
            long key = Long.parseLong(row.get(table.primaryKey()));
            recreated.add(new ReplayRecords.Raw(table, key, null));
            CsvDir one = CsvDir.empty();
            one.rows(table).add(new LinkedHashMap<>(row));
            recreated.addAll(ReplayRecords.plan(one.write(tmp.resolve("recreate-" + key))));
        }

        int count() {
            return changedRows.tables.values().stream().mapToInt(List::size).sum() + tombstones.size() + recreated.size() / 2;
        }

        private Map<String, String> first(TheLookTable table, Predicate<Map<String, String>> which) {
            return after.rows(table).stream().filter(which).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + table + " row for this change"));
        }

        /** Each change record goes to a random position after the last earlier record of the same key. */
        List<ReplayRecords.Raw> deliverMidStream(List<ReplayRecords.Raw> stream, Path dir, long seed) throws Exception {
            List<ReplayRecords.Raw> changeRecords = new ArrayList<>(ReplayRecords.plan(changedRows.write(dir)));
            changeRecords.addAll(tombstones);
            changeRecords.addAll(recreated);
            List<ReplayRecords.Raw> out = new ArrayList<>(stream);
            Random random = new Random(seed);
            Map<String, Integer> lastIndex = new HashMap<>();
            for (ReplayRecords.Raw change : changeRecords) {
                String key = change.table() + ":" + change.key();
                int last = lastIndex.computeIfAbsent(key, k -> {
                    int idx = -1;
                    for (int i = 0; i < out.size(); i++) {
                        ReplayRecords.Raw r = out.get(i);
                        if (r.table() == change.table() && r.key() == change.key()) {
                            idx = i;
                        }
                    }
                    return idx;
                });
                int at = last + 1 + random.nextInt(out.size() - last);
                out.add(at, change);
                lastIndex.replaceAll((k, v) -> v >= at ? v + 1 : v);
                lastIndex.put(key, at);
            }
            return out;
        }
    }
}
