package thelook.streams.index;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.streams.names.StoreNames;

/**
 * The ordered index next to a mart, for listings: one entry per (sort, row), keyed
 * {@code [sort id][sort value][row key]} (or, for a user's candidates, {@code [sort id][user][value][product]}),
 * so a page of any sort is a range scan from where the last page ended: O(log n + limit) per partition.
 * The row key part is the key's own order-preserving bytes, so ties in the sort value are ordered by key.
 *
 * @param <R> the mart's row
 */
public final class MartIndex<R> {
    /** One sort of a mart: its public name and how a row places in it. */
    public record Sort(String name, int id, int entryBytes, boolean perUser) {}

    private interface Entry<R> {
        void write(ByteBuffer out, byte[] rowKey, R row);
    }

    private final String indexStore;
    private final String indexedStore;
    private final int keyBytes;
    private final List<Sort> sorts = new ArrayList<>();
    private final List<Entry<R>> entries = new ArrayList<>();

    private MartIndex(String indexStore, String indexedStore, int keyBytes) {
        this.indexStore = indexStore;
        this.indexedStore = indexedStore;
        this.keyBytes = keyBytes;
    }

    public static final MartIndex<DimCustomerMetrics> CUSTOMERS = new MartIndex<DimCustomerMetrics>(
            StoreNames.CUSTOMER_METRICS_INDEX, StoreNames.CUSTOMER_METRICS_INDEXED, 8)
            .byKey("user_id")
            .byDouble("total_order_revenue", DimCustomerMetrics::getTotalOrderRevenue)
            .byLong("total_orders", DimCustomerMetrics::getTotalOrders)
            .byLong("total_events", DimCustomerMetrics::getTotalEvents)
            .byTime("last_order_dttm", DimCustomerMetrics::getLastOrderDttm);

    public static final MartIndex<DimProductPerformance> PRODUCTS = new MartIndex<DimProductPerformance>(
            StoreNames.PRODUCT_PERFORMANCE_INDEX, StoreNames.PRODUCT_PERFORMANCE_INDEXED, 8)
            .byKey("product_id")
            .byDouble("total_product_revenue", DimProductPerformance::getTotalProductRevenue)
            .byLong("total_product_views", DimProductPerformance::getTotalProductViews)
            .byDouble("total_product_profit", DimProductPerformance::getTotalProductProfit)
            .byDouble("product_conversion_rate", DimProductPerformance::getProductConversionRate)
            .byDouble("product_return_rate", DimProductPerformance::getProductReturnRate);

    /** Keyed (user_id, product_id); the per-user sort lists one user's candidates by lost revenue. */
    public static final MartIndex<FctCrossSellCandidates> CROSS_SELL = new MartIndex<FctCrossSellCandidates>(
            StoreNames.CROSS_SELL_CANDIDATES_INDEX, StoreNames.CROSS_SELL_CANDIDATES_INDEXED, 16)
            .byKey("user_id,product_id")
            .byDouble("estimated_lost_revenue", FctCrossSellCandidates::getEstimatedLostRevenue)
            .perUser("user_estimated_lost_revenue", FctCrossSellCandidates::getEstimatedLostRevenue);

    public String indexStore() {
        return indexStore;
    }

    public String indexedStore() {
        return indexedStore;
    }

    public List<Sort> sorts() {
        return List.copyOf(sorts);
    }

    public Sort sort(String name) {
        return sorts.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** Every index entry of a row (null row: none). */
    public List<byte[]> entriesOf(byte[] rowKey, R row) {
        List<byte[]> out = new ArrayList<>(sorts.size());
        if (row == null) {
            return out;
        }
        for (int i = 0; i < sorts.size(); i++) {
            ByteBuffer b = ByteBuffer.allocate(sorts.get(i).entryBytes());
            b.put((byte) sorts.get(i).id());
            entries.get(i).write(b, rowKey, row);
            out.add(b.array());
        }
        return out;
    }

    /** Bounds of a sort's entries, for a range scan: [from, to] both inclusive. */
    public Bytes lowest(Sort sort, Long user) {
        return Bytes.wrap(prefix(sort, user));
    }

    public Bytes highest(Sort sort, Long user) {
        byte[] prefix = prefix(sort, user);
        byte[] to = Arrays.copyOf(prefix, sort.entryBytes());
        Arrays.fill(to, prefix.length, to.length, (byte) 0xFF);
        return Bytes.wrap(to);
    }

    private static byte[] prefix(Sort sort, Long user) {
        if (!sort.perUser()) {
            return new byte[] {(byte) sort.id()};
        }
        ByteBuffer b = ByteBuffer.allocate(9).put((byte) sort.id());
        SortKey.putLong(b, user);
        return b.array();
    }

    /** The row key bytes an entry points to: the last key-width bytes (the per-user sort splits them). */
    public byte[] rowKeyOf(Sort sort, byte[] entry) {
        if (sort.perUser()) { // [id][user 8][value 9][product 8]
            return ByteBuffer.allocate(16).put(entry, 1, 8).put(entry, entry.length - 8, 8).array();
        }
        return Arrays.copyOfRange(entry, entry.length - keyBytes, entry.length);
    }

    /** Order-preserving bytes of a row key. */
    public static byte[] keyOf(long id) {
        ByteBuffer b = ByteBuffer.allocate(8);
        SortKey.putLong(b, id);
        return b.array();
    }

    public static byte[] keyOf(CrossSellKey key) {
        ByteBuffer b = ByteBuffer.allocate(16);
        SortKey.putLong(b, key.getUserId());
        SortKey.putLong(b, key.getProductId());
        return b.array();
    }

    public static long idOf(byte[] key, int index) {
        return SortKey.getLong(ByteBuffer.wrap(key), index * 8);
    }

    private MartIndex<R> byKey(String name) {
        return add(new Sort(name, sorts.size(), 1 + keyBytes, false), (b, k, r) -> b.put(k));
    }

    private MartIndex<R> byLong(String name, Function<R, Long> value) {
        return add(new Sort(name, sorts.size(), 1 + SortKey.VALUE_BYTES + keyBytes, false), (b, k, r) -> {
            SortKey.putValue(b, value.apply(r));
            b.put(k);
        });
    }

    private MartIndex<R> byDouble(String name, Function<R, Double> value) {
        return add(new Sort(name, sorts.size(), 1 + SortKey.VALUE_BYTES + keyBytes, false), (b, k, r) -> {
            SortKey.putValue(b, value.apply(r));
            b.put(k);
        });
    }

    private MartIndex<R> byTime(String name, Function<R, java.time.Instant> value) {
        return add(new Sort(name, sorts.size(), 1 + SortKey.VALUE_BYTES + keyBytes, false), (b, k, r) -> {
            SortKey.putValue(b, value.apply(r));
            b.put(k);
        });
    }

    /** [id][user][value][product]: the row key is (user, product). */
    private MartIndex<R> perUser(String name, Function<R, Double> value) {
        return add(new Sort(name, sorts.size(), 1 + 8 + SortKey.VALUE_BYTES + 8, true), (b, k, r) -> {
            b.put(k, 0, 8);
            SortKey.putValue(b, value.apply(r));
            b.put(k, 8, 8);
        });
    }

    private MartIndex<R> add(Sort sort, Entry<R> entry) {
        sorts.add(sort);
        entries.add(entry);
        return this;
    }
}
