package thelook.streams.regression;

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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import thelook.schemas.TheLookTable;

/**
 * Updates and deletes of a generated snapshot, as the rows after them (the oracle's input) and as the
 * records that carry them (changed rows, tombstones, a delete and re-create). {@link #standard} is the
 * set the regression suite applies: an order moved to another user or to no user, item statuses flipping
 * between Cancelled and Complete, an item moved to another product and order, product prices changed,
 * and a user, an order, an item, an event and a product deleted, one event deleted and re-created.
 */
final class SnapshotChanges {
    private final CsvDir base;
    private final CsvDir after;
    private final Path tmp;
    private final Function<Path, List<ReplayRecords.Raw>> planner;
    private final CsvDir changedRows = CsvDir.empty();
    private final List<ReplayRecords.Raw> tombstones = new ArrayList<>();
    private final List<ReplayRecords.Raw> recreated = new ArrayList<>();

    private SnapshotChanges(CsvDir base, CsvDir after, Path tmp, Function<Path, List<ReplayRecords.Raw>> planner) {
        this.base = base;
        this.after = after;
        this.tmp = tmp;
        this.planner = planner;
    }

    /** The standard changes of a generated snapshot of 300 users, planned with the in-memory registry's serdes. */
    static SnapshotChanges standard(CsvDir base, Path tmp) throws Exception {
        return standard(base, tmp, ReplayRecords::plan);
    }

    static SnapshotChanges standard(CsvDir base, Path tmp, Function<Path, List<ReplayRecords.Raw>> planner) throws Exception {
        SnapshotChanges changes = new SnapshotChanges(base, base.copy(), tmp, planner);
        Map<String, String> movedOrder = changes.update(ORDERS, r -> r.get("user_id") != null && changes.hasItems(r.get("order_id")),
                r -> r.put("user_id", other(r.get("user_id"))));
        changes.update(ORDERS, r -> r.get("user_id") != null && !r.equals(movedOrder) && changes.hasItems(r.get("order_id")),
                r -> r.put("user_id", null));
        changes.update(ORDER_ITEMS, r -> "Cancelled".equals(r.get("status")), r -> r.put("status", "Complete"));
        changes.update(ORDER_ITEMS, r -> "Complete".equals(r.get("status")), r -> r.put("status", "Cancelled"));
        changes.update(ORDER_ITEMS, r -> "Shipped".equals(r.get("status")), r -> {
            r.put("product_id", "3");
            r.put("order_id", movedOrder.get("order_id"));
        });
        changes.update(PRODUCTS, r -> changes.viewedAndSold(r.get("id")), r -> {
            r.put("cost", "12.345");
            r.put("retail_price", "99.99");
        });
        changes.delete(USERS, r -> r.get("id").equals(changes.userWithOrdersAndViews()));
        changes.delete(ORDERS, r -> changes.hasItems(r.get("order_id")) && r.get("user_id") != null && !r.equals(movedOrder));
        changes.delete(ORDER_ITEMS, r -> "Returned".equals(r.get("status")));
        changes.delete(EVENTS, r -> "product".equals(r.get("event_type")) && r.get("user_id") != null);
        changes.delete(PRODUCTS, r -> changes.viewedAndSold(r.get("id")) && !r.get("id").equals("3"));
        changes.recreate(EVENTS, r -> "cart".equals(r.get("event_type")) && r.get("user_id") != null);
        return changes;
    }

    /** The snapshot with every change applied: what the batch oracle reads. */
    CsvDir after() {
        return after;
    }

    int count() {
        return changedRows.tables.values().stream().mapToInt(List::size).sum() + tombstones.size() + recreated.size() / 2;
    }

    /** The records that carry the changes, in the order they were made. */
    List<ReplayRecords.Raw> records(Path dir) throws Exception {
        List<ReplayRecords.Raw> out = new ArrayList<>(planner.apply(changedRows.write(dir)));
        out.addAll(tombstones);
        out.addAll(recreated);
        return out;
    }

    /** Each change record goes to a random position after the last earlier record of the same key. */
    List<ReplayRecords.Raw> deliverMidStream(List<ReplayRecords.Raw> stream, Path dir, long seed) throws Exception {
        List<ReplayRecords.Raw> out = new ArrayList<>(stream);
        Random random = new Random(seed);
        Map<String, Integer> lastIndex = new HashMap<>();
        for (ReplayRecords.Raw change : records(dir)) {
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

    private Map<String, String> update(TheLookTable table, Predicate<Map<String, String>> which, Consumer<Map<String, String>> change) {
        Map<String, String> row = first(table, which);
        change.accept(row);
        changedRows.rows(table).add(new LinkedHashMap<>(row));
        return row;
    }

    private void delete(TheLookTable table, Predicate<Map<String, String>> which) {
        Map<String, String> row = first(table, which);
        after.rows(table).remove(row);
        tombstones.add(new ReplayRecords.Raw(table, Long.parseLong(row.get(table.primaryKey())), null));
    }

    private void recreate(TheLookTable table, Predicate<Map<String, String>> which) throws Exception {
        Map<String, String> row = first(table, which);
        long key = Long.parseLong(row.get(table.primaryKey()));
        recreated.add(new ReplayRecords.Raw(table, key, null));
        CsvDir one = CsvDir.empty();
        one.rows(table).add(new LinkedHashMap<>(row));
        recreated.addAll(planner.apply(one.write(tmp.resolve("recreate-" + key + "-" + System.nanoTime()))));
    }

    private Map<String, String> first(TheLookTable table, Predicate<Map<String, String>> which) {
        return after.rows(table).stream().filter(which).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + table + " row for this change"));
    }

    private boolean hasItems(String orderId) {
        return base.rows(ORDER_ITEMS).stream().anyMatch(i -> orderId.equals(i.get("order_id")));
    }

    private boolean viewedAndSold(String productId) {
        return base.rows(ORDER_ITEMS).stream().anyMatch(i -> productId.equals(i.get("product_id")))
                && base.rows(EVENTS).stream().anyMatch(e -> ("/product/" + productId).equals(e.get("uri")));
    }

    private String userWithOrdersAndViews() {
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
}
