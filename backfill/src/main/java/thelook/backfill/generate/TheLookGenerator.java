package thelook.backfill.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import thelook.backfill.csv.Timestamps;
import thelook.schemas.TheLookTable;

/**
 * Deterministic theLook-shaped data (docs/marts.md section 4): the same users and seed give the same
 * files byte for byte. Users are generated one at a time and written at once, so memory does not grow
 * with the user count. Besides the purchase sessions of the real data it adds browse-only sessions of
 * logged-in users, so that the cross-sell mart has rows, and a few rows that break the timestamp rules
 * as real exports sometimes do.
 */
public final class TheLookGenerator {
    static final int FULL_SCALE_PRODUCTS = 29_120;
    private static final long START = Instant.parse("2019-01-01T00:00:00Z").getEpochSecond();
    private static final long END = Instant.parse("2025-11-01T00:00:00Z").getEpochSecond();
    private static final long MINUTE = 60, HOUR = 3600, DAY = 86_400;

    private static final String[] MEN = {"Jeans", "Sweaters", "Tops & Tees", "Shorts", "Outerwear & Coats",
        "Suits & Sport Coats", "Underwear", "Socks", "Swim", "Sleep & Lounge"};
    private static final String[] WOMEN = {"Dresses", "Intimates", "Blazers & Jackets", "Jeans", "Tops & Tees",
        "Skirts", "Sweaters", "Leggings", "Swim", "Accessories"};
    private static final String[] BRANDS = {"North Peak", "Blue Harbor", "Calla Lane", "Oak & Thread", "Vantage",
        "Mistral", "Red Fern", "Urban Grove", "Halcyon", "Tidewater", "Koru", "Lumen & Co", "Grey Finch", "Pioneer",
        "Solstice", "Arden"};
    private static final String[][] PLACES = {
        {"United States", "California", "Los Angeles"}, {"United States", "Texas", "Houston"},
        {"United States", "New York", "New York"}, {"China", "Guangdong", "Shenzhen"}, {"Brasil", "Sao Paulo", "Campinas"},
        {"United Kingdom", "England", "London"}, {"Germany", "Berlin", "Berlin"}, {"Japan", "Tokyo", "Tokyo"},
        {"France", "Ile-de-France", "Paris"}, {"Spain", "Madrid", "Madrid"}};
    private static final Weighted<Integer> ORDERS_PER_USER = Weighted.of(new double[] {.20, .50, .20, .05, .05}, 0, 1, 2, 3, 4);
    private static final Weighted<Integer> ITEMS_PER_ORDER = Weighted.of(new double[] {.70, .20, .05, .05}, 1, 2, 3, 4);
    private static final Weighted<String> ORDER_STATUS = Weighted.of(new double[] {.25, .15, .10, .20, .30},
            "Complete", "Cancelled", "Returned", "Processing", "Shipped");
    private static final Weighted<String> EVENT_SOURCE = Weighted.of(new double[] {.45, .30, .10, .10, .05},
            "Email", "Adwords", "YouTube", "Facebook", "Organic");
    private static final Weighted<String> USER_SOURCE = Weighted.of(new double[] {.70, .15, .06, .05, .04},
            "Search", "Organic", "Facebook", "Email", "Display");
    private static final Weighted<String> BROWSER = Weighted.of(new double[] {.5, .2, .2, .05, .05},
            "Chrome", "Safari", "Firefox", "IE", "Other");
    private static final String[][] ANONYMOUS_SESSIONS = {
        {"product", "cart", "cancel"}, {"department", "product", "cart"}, {"product"}, {"department", "product"}};
    private static final String[][] BROWSE_SESSIONS = {{"department", "product"}, {"product"}, {"product", "cart"}};

    private final int users;
    private final long seed;
    private final List<ProductRow> products = new ArrayList<>();
    private long nextOrderId = 1, nextItemId = 1, nextEventId = 1, nextInventoryId = 1;

    private record ProductRow(long id, String department, String category, String brand, String name,
                              double retailPrice, double cost, String sku, long dcId) {}

    public TheLookGenerator(int users, long seed) {
        if (users < 1) {
            throw new IllegalArgumentException("--users must be at least 1");
        }
        this.users = users;
        this.seed = seed;
    }

    /** theLook's 29,120 products at 100,000 users, in proportion below that (at least 50). */
    static int productCount(int users) {
        return (int) Math.min(FULL_SCALE_PRODUCTS, Math.max(50, (long) users * FULL_SCALE_PRODUCTS / 100_000));
    }

    /** Writes {@code <table>.csv} for all seven tables into {@code dir}; returns rows written per table. */
    public Map<TheLookTable, Long> writeCsv(Path dir) {
        Map<TheLookTable, Long> counts = new EnumMap<>(TheLookTable.class);
        try {
            Files.createDirectories(dir);
            Map<TheLookTable, CSVPrinter> out = new EnumMap<>(TheLookTable.class);
            try {
                for (TheLookTable t : TheLookTable.values()) {
                    Writer w = Files.newBufferedWriter(dir.resolve(t.tableName() + ".csv"), StandardCharsets.UTF_8);
                    List<String> header = t.schema().getFields().stream().map(Schema.Field::name).toList();
                    out.put(t, new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).build()));
                }
                Sink sink = (table, values) -> {
                    out.get(table).printRecord(values);
                    counts.merge(table, 1L, Long::sum);
                };
                generate(sink);
            } finally {
                for (CSVPrinter p : out.values()) {
                    p.close(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write generated CSVs to " + dir + ": " + e.getMessage(), e);
        }
        return counts;
    }

    interface Sink {
        void row(TheLookTable table, Object... values) throws IOException;
    }

    void generate(Sink sink) throws IOException {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom catalogRandom = root.split();
        for (long dc = 1; dc <= 10; dc++) {
            sink.row(TheLookTable.DISTRIBUTION_CENTERS, dc, "Distribution Center " + dc,
                    round(25 + catalogRandom.nextDouble(20), 6), round(-120 + catalogRandom.nextDouble(45), 6));
        }
        int productCount = productCount(users);
        for (long id = 1; id <= productCount; id++) {
            String department = id % 2 == 0 ? "Women" : "Men";
            String[] categories = department.equals("Men") ? MEN : WOMEN;
            String category = categories[catalogRandom.nextInt(categories.length)];
            String brand = BRANDS[catalogRandom.nextInt(BRANDS.length)];
            double retail = round(5 + Math.exp(catalogRandom.nextDouble(Math.log(300))), 2);
            double cost = retail * (0.3 + catalogRandom.nextDouble(0.3)); // full double precision, as theLook's
            ProductRow p = new ProductRow(id, department, category, brand, brand + " " + category + " #" + id,
                    retail, cost, Long.toHexString(catalogRandom.nextLong()).toUpperCase(Locale.ROOT), 1 + catalogRandom.nextInt(10));
            products.add(p);
            sink.row(TheLookTable.PRODUCTS, p.id, p.cost, p.category, p.name, p.brand, p.retailPrice, p.department, p.sku, p.dcId);
        }
        for (long userId = 1; userId <= users; userId++) {
            generateUser(userId, root.split(), sink);
        }
    }

    private void generateUser(long userId, SplittableRandom r, Sink sink) throws IOException {
        String gender = r.nextBoolean() ? "M" : "F";
        String[] place = PLACES[r.nextInt(PLACES.length)];
        long created = START + r.nextLong(END - START - 30 * DAY);
        sink.row(TheLookTable.USERS, userId, "First" + userId, "Last" + userId, "user" + userId + "@example.com",
                12 + r.nextInt(59), gender, place[1], r.nextInt(9999) + " Main Street", String.format("%05d", r.nextInt(99999)),
                place[2], place[0], round(-60 + r.nextDouble(120), 6), round(-180 + r.nextDouble(360), 6),
                USER_SOURCE.draw(r), ts(created, r));
        String department = gender.equals("M") ? "Men" : "Women";

        int orders = ORDERS_PER_USER.draw(r);
        for (int o = 0; o < orders; o++) {
            generateOrder(userId, gender, department, created, place, r, sink);
        }
        int browseSessions = r.nextInt(3); // logged-in browsing without a purchase: the cross-sell candidates
        for (int s = 0; s < browseSessions; s++) {
            long start = created + r.nextLong(Math.max(DAY, END - created));
            String[] shape = BROWSE_SESSIONS[r.nextInt(BROWSE_SESSIONS.length)];
            session(userId, shape, randomProduct(department, r), start, place, r, sink);
        }
        int anonymous = r.nextInt(11); // ~46% of all events are anonymous in theLook
        for (int s = 0; s < anonymous; s++) {
            long start = START + r.nextLong(END - START);
            String[] shape = ANONYMOUS_SESSIONS[r.nextInt(ANONYMOUS_SESSIONS.length)];
            session(null, shape, products.get(r.nextInt(products.size())), start, PLACES[r.nextInt(PLACES.length)], r, sink);
        }
        int unsold = r.nextInt(3) == 0 ? 1 : 0;
        for (int i = 0; i < unsold; i++) {
            ProductRow p = products.get(r.nextInt(products.size()));
            inventory(p, START + r.nextLong(END - START), null, r, sink);
        }
    }

    private void generateOrder(long userId, String gender, String department, long userCreated, String[] place,
                               SplittableRandom r, Sink sink) throws IOException {
        long orderId = nextOrderId++;
        long created = userCreated + r.nextLong(Math.max(HOUR, Math.min(730 * DAY, END - userCreated)));
        String status = ORDER_STATUS.draw(r);
        boolean shippedStep = status.equals("Shipped") || status.equals("Complete") || status.equals("Returned");
        boolean deliveredStep = status.equals("Complete") || status.equals("Returned");
        Long shipped = shippedStep ? created + r.nextLong(3 * DAY + 1) : null;
        Long delivered = deliveredStep ? shipped + r.nextLong(5 * DAY + 1) : null;
        Long returned = status.equals("Returned") ? delivered + r.nextLong(3 * DAY + 1) : null;
        if (shippedStep && r.nextInt(200) == 0) {
            shipped = created - r.nextLong(DAY); // real exports: shipped before created now and then
        }
        int items = ITEMS_PER_ORDER.draw(r);
        sink.row(TheLookTable.ORDERS, orderId, userId, status, gender, ts(created, r), ts(returned, r), ts(shipped, r),
                ts(delivered, r), items);
        for (int i = 0; i < items; i++) {
            ProductRow p = randomProduct(department, r);
            long itemCreated = created - r.nextLong(4 * HOUR);
            long inventoryId = inventory(p, itemCreated - r.nextLong(1, 60 * DAY), itemCreated, r, sink);
            sink.row(TheLookTable.ORDER_ITEMS, nextItemId++, orderId, userId, p.id, inventoryId, status, ts(itemCreated, r),
                    ts(shipped, r), ts(delivered, r), ts(returned, r), p.retailPrice);
            boolean last = i == items - 1;
            String[] shape = items == 1 ? new String[] {"home", "department", "product", "cart", "purchase"}
                    : last ? new String[] {"department", "product", "cart", "purchase"}
                    : new String[] {"department", "product", "cart"};
            session(userId, shape, p, itemCreated - r.nextLong(2 * HOUR), place, r, sink);
        }
    }

    private long inventory(ProductRow p, long created, Long sold, SplittableRandom r, Sink sink) throws IOException {
        long id = nextInventoryId++;
        sink.row(TheLookTable.INVENTORY_ITEMS, id, p.id, ts(created, r), ts(sold, r), p.cost, p.category, p.name, p.brand,
                p.retailPrice, p.department, p.sku, p.dcId);
        return id;
    }

    private void session(Long userId, String[] shape, ProductRow p, long start, String[] place, SplittableRandom r,
                         Sink sink) throws IOException {
        String sessionId = new UUID(r.nextLong(), r.nextLong()).toString();
        String browser = BROWSER.draw(r);
        String source = EVENT_SOURCE.draw(r);
        String ip = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
        String postal = String.format("%05d", r.nextInt(99999));
        long t = start;
        for (int seq = 0; seq < shape.length; seq++) {
            String type = shape[seq];
            t += type.equals("purchase") && r.nextInt(10) == 0 ? r.nextLong(DAY, 5 * DAY) : r.nextLong(MINUTE, 10 * MINUTE);
            sink.row(TheLookTable.EVENTS, nextEventId++, userId, seq + 1, sessionId, ts(t, r), ip, place[2], place[1], postal,
                    browser, source, uri(type, p), type);
        }
    }

    private static String uri(String eventType, ProductRow p) {
        return switch (eventType) {
            case "product" -> "/product/" + p.id;
            case "department" -> ("/department/" + p.department + "/category/" + p.category + "/brand/" + p.brand)
                    .toLowerCase(Locale.ROOT).replace(" ", "");
            default -> "/" + eventType;
        };
    }

    private ProductRow randomProduct(String department, SplittableRandom r) {
        // products alternate Men (odd ids) and Women (even ids)
        int pairs = products.size() / 2;
        int k = r.nextInt(Math.max(1, pairs));
        int index = department.equals("Men") ? 2 * k : Math.min(products.size() - 1, 2 * k + 1);
        return products.get(index);
    }

    /** A timestamp in the BigQuery export format, with random microseconds; null stays null (empty field). */
    private static String ts(Long epochSeconds, SplittableRandom r) {
        if (epochSeconds == null) {
            return null;
        }
        return Timestamps.format(Instant.ofEpochSecond(epochSeconds, r.nextInt(1_000_000) * 1000L));
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
