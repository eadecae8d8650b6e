package thelook.backfill.generate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import thelook.schemas.TheLookTable;

/**
 * theLook activity as it would happen now, continuing a generated history of {@code users} users (the same
 * products and users as {@code generate --users N}): browsing sessions of existing users, sign-ups,
 * purchases (an order, its items and the session's events), and the orders' later steps: shipped,
 * delivered, now and then cancelled or returned. Each step yields rows as a publisher would send them:
 * column name to value (numbers as numbers, timestamps as UTC text), with new ids far above the history's
 * (from the clock, so two runs do not collide). Deterministic for a seed and a sequence of clock readings.
 */
public final class LiveActivity {
    /** One row to publish: its table, key and columns. */
    public record LiveRow(TheLookTable table, long key, Map<String, Object> columns) {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String[] SOURCES = {"Email", "Adwords", "YouTube", "Facebook", "Organic"};
    private static final String[] BROWSERS = {"Chrome", "Safari", "Firefox", "IE", "Other"};

    private final int users;
    private final int products;
    private final SplittableRandom random;
    private long nextId;
    private int nextUser;
    private final List<Order> open = new ArrayList<>();

    private static final class Order {
        final long id;
        final long user;
        final List<long[]> items = new ArrayList<>(); // {item id, product id}
        final List<Double> prices = new ArrayList<>();
        final Instant created;
        String status = "Processing";
        Instant shipped;
        Instant delivered;
        Instant returned;

        Order(long id, long user, Instant created) {
            this.id = id;
            this.user = user;
            this.created = created;
        }
    }

    public LiveActivity(int users, long seed, long idBase) {
        if (users < 1) {
            throw new IllegalArgumentException("--users must be at least 1");
        }
        this.users = users;
        this.products = TheLookGenerator.productCount(users);
        this.random = new SplittableRandom(seed);
        this.nextId = idBase;
        this.nextUser = users;
    }

    /** The rows of the next thing that happens at {@code now}. */
    public List<LiveRow> next(Instant now) {
        List<LiveRow> rows = new ArrayList<>();
        double r = random.nextDouble();
        if (r < 0.55) {
            session(rows, existingUser(), now, false);
        } else if (r < 0.70) {
            purchase(rows, existingUser(), now);
        } else if (r < 0.95 && !open.isEmpty()) {
            advance(rows, open.get(random.nextInt(open.size())), now);
        } else {
            long user = signUp(rows, now);
            session(rows, user, now, false);
        }
        return rows;
    }

    private long existingUser() {
        return 1 + random.nextInt(nextUser);
    }

    private long signUp(List<LiveRow> rows, Instant now) {
        long id = nextId++;
        nextUser++;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("first_name", "Live");
        c.put("last_name", "User" + id % 10_000);
        c.put("email", "live" + id + "@example.com");
        c.put("age", 18 + random.nextInt(60));
        c.put("gender", random.nextBoolean() ? "F" : "M");
        c.put("country", "United States");
        c.put("traffic_source", SOURCES[random.nextInt(SOURCES.length)]);
        c.put("created_at", TIME.format(now));
        rows.add(new LiveRow(TheLookTable.USERS, id, c));
        return id;
    }

    /** A browsing session; with {@code buying}, ending in cart and purchase events for the first product. */
    private List<Long> session(List<LiveRow> rows, long user, Instant now, boolean buying) {
        String session = Long.toHexString(random.nextLong());
        String source = SOURCES[random.nextInt(SOURCES.length)];
        String browser = BROWSERS[random.nextInt(BROWSERS.length)];
        List<Long> viewed = new ArrayList<>();
        int views = 1 + random.nextInt(4);
        int seq = 1;
        for (int i = 0; i < views; i++) {
            long product = 1 + random.nextInt(products);
            viewed.add(product);
            rows.add(event(user, session, seq++, now.plusMillis(seq * 1500L), "/product/" + product, "product", source, browser));
        }
        if (buying) {
            rows.add(event(user, session, seq++, now.plusMillis(seq * 1500L), "/cart", "cart", source, browser));
            rows.add(event(user, session, seq++, now.plusMillis(seq * 1500L), "/purchase", "purchase", source, browser));
        }
        return viewed;
    }

    private LiveRow event(long user, String session, int seq, Instant at, String uri, String type, String source, String browser) {
        long id = nextId++;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("user_id", user);
        c.put("sequence_number", seq);
        c.put("session_id", session);
        c.put("created_at", TIME.format(at));
        c.put("browser", browser);
        c.put("traffic_source", source);
        c.put("uri", uri);
        c.put("event_type", type);
        return new LiveRow(TheLookTable.EVENTS, id, c);
    }

    private void purchase(List<LiveRow> rows, long user, Instant now) {
        List<Long> viewed = session(rows, user, now, true);
        Order order = new Order(nextId++, user, now);
        int items = 1 + (random.nextDouble() < 0.25 ? 1 : 0);
        for (int i = 0; i < items; i++) {
            order.items.add(new long[] {nextId++, viewed.get(Math.min(i, viewed.size() - 1))});
            order.prices.add(Math.round((5 + Math.exp(random.nextDouble(Math.log(300)))) * 100) / 100.0);
        }
        emit(rows, order);
        open.add(order);
        if (open.size() > 10_000) {
            open.remove(0); // the oldest never finish: memory stays bounded
        }
    }

    /** The order's next step: shipped (or, now and then, cancelled), delivered, and now and then returned. */
    private void advance(List<LiveRow> rows, Order order, Instant now) {
        switch (order.status) {
            case "Processing" -> {
                if (random.nextDouble() < 0.15) {
                    order.status = "Cancelled";
                } else {
                    order.status = "Shipped";
                    order.shipped = now;
                }
            }
            case "Shipped" -> {
                order.status = "Complete";
                order.delivered = now;
            }
            case "Complete" -> {
                if (random.nextDouble() < 0.2) {
                    order.status = "Returned";
                    order.returned = now;
                } else {
                    open.remove(order);
                    return;
                }
            }
            default -> {
                open.remove(order);
                return;
            }
        }
        emit(rows, order);
        if (order.status.equals("Cancelled") || order.status.equals("Returned")) {
            open.remove(order);
        }
    }

    private void emit(List<LiveRow> rows, Order order) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("order_id", order.id);
        o.put("user_id", order.user);
        o.put("status", order.status);
        o.put("created_at", TIME.format(order.created));
        o.put("shipped_at", order.shipped == null ? null : TIME.format(order.shipped));
        o.put("delivered_at", order.delivered == null ? null : TIME.format(order.delivered));
        o.put("returned_at", order.returned == null ? null : TIME.format(order.returned));
        o.put("num_of_item", order.items.size());
        for (int i = 0; i < order.items.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", order.items.get(i)[0]);
            c.put("order_id", order.id);
            c.put("user_id", order.user);
            c.put("product_id", order.items.get(i)[1]);
            c.put("status", order.status);
            c.put("created_at", TIME.format(order.created));
            c.put("shipped_at", o.get("shipped_at"));
            c.put("delivered_at", o.get("delivered_at"));
            c.put("returned_at", o.get("returned_at"));
            c.put("sale_price", order.prices.get(i));
            rows.add(new LiveRow(TheLookTable.ORDER_ITEMS, order.items.get(i)[0], c));
        }
        rows.add(new LiveRow(TheLookTable.ORDERS, order.id, o));
    }
}
