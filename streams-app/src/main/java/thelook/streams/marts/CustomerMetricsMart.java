package thelook.streams.marts;

import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.internal.StagedEvent;
import thelook.avro.internal.UserAggregates;
import thelook.avro.internal.UserContribution;
import thelook.avro.internal.UserProductStats;
import thelook.schemas.Micros;
import thelook.streams.flow.Emit;
import thelook.streams.names.StoreNames;
import thelook.streams.staging.ItemStatus;
import thelook.streams.state.Counts;
import thelook.streams.state.ExactSum;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;

/**
 * dim_customer_metrics: one row per row of users, built from the user's fixed-size aggregates. Sets
 * (sessions, products viewed, products purchased) are keyed counts; the latest event and order times
 * are cached and, when the latest one is retracted, found again in the ordered (user, time) counts.
 * Also keeps the per-(user, product) stats the cross-sell mart reads, and tells {@link CrossSellViews}.
 */
public final class CustomerMetricsMart {
    /** Compared against on every save, so built once (a builder deep-copies every default). */
    private static final UserAggregates EMPTY = UserAggregates.newBuilder().build();

    private final KeyValueStore<Long, Long> users;
    private final KeyValueStore<Long, UserAggregates> aggregates;
    private final KeyValueStore<Bytes, UserProductStats> userProducts;
    private final Counts sessions;
    private final Counts eventTimes;
    private final Counts orderTimes;
    private final KeyValueStore<Long, DimCustomerMetrics> rows;
    private final CrossSellViews crossSell;

    public CustomerMetricsMart(ProcessorContext<?, ?> context) {
        users = context.getStateStore(StoreNames.USERS);
        aggregates = context.getStateStore(StoreNames.USER_AGGREGATES);
        userProducts = context.getStateStore(StoreNames.USER_PRODUCTS);
        sessions = new Counts(context.getStateStore(StoreNames.USER_SESSIONS));
        eventTimes = new Counts(context.getStateStore(StoreNames.USER_EVENT_TIMES));
        orderTimes = new Counts(context.getStateStore(StoreNames.USER_ORDER_TIMES));
        rows = context.getStateStore(StoreNames.CUSTOMER_METRICS);
        crossSell = new CrossSellViews(context);
    }

    /** An event of this user (any type) added or retracted. */
    public void applyEvent(long userId, StagedEvent e, int sign, Emit emit) {
        boolean userExists = users.get(userId) != null;
        UserAggregates agg = load(userId);
        agg.setEventCount(agg.getEventCount() + sign);
        if (e.getSessionId() != null) {
            agg.setSessionCount(agg.getSessionCount() + sessions.add(KeyBytes.of(userId, e.getSessionId()), sign));
        }
        if (e.getCreatedAt() != null) {
            agg.setLastEventAt(updateLatest(eventTimes, userId, e.getCreatedAt(), sign, agg.getLastEventAt()));
        }
        Long productId = e.getViewedProductId();
        if (productId != null) {
            updatePair(userId, productId, agg, userExists,
                    s -> crossSell.applyView(s, userId, productId, e.getCreatedAt(), sign), true, emit);
        }
        save(userId, agg);
        if (userExists) {
            // total_events moved by one, so the row changed: no need to read the old one to compare
            DimCustomerMetrics row = build(userId, agg);
            rows.put(userId, row);
            emit.customerRow(userId, row);
        }
    }

    /** An order or an order item attributed to this user (by orders.user_id) added or retracted. */
    public void applyContribution(long userId, UserContribution c, Emit emit) {
        int sign = c.getSign();
        boolean userExists = users.get(userId) != null;
        UserAggregates agg = load(userId);
        if (!c.getItem()) {
            agg.setOrderCount(agg.getOrderCount() + sign);
            if (c.getOrderCreatedAt() != null) {
                agg.setLastOrderAt(updateLatest(orderTimes, userId, c.getOrderCreatedAt(), sign, agg.getLastOrderAt()));
            }
        } else {
            if (c.getSalePrice() != null) {
                agg.setRevenueSum(ExactSum.add(agg.getRevenueSum(), c.getSalePrice(), sign));
                agg.setRevenueN(agg.getRevenueN() + sign);
            }
            if (c.getCost() != null) {
                agg.setCostSum(ExactSum.add(agg.getCostSum(), c.getCost(), sign));
                agg.setCostN(agg.getCostN() + sign);
            }
            if (c.getProductId() != null) {
                boolean purchase = ItemStatus.isPurchase(c.getStatus());
                updatePair(userId, c.getProductId(), agg, userExists, s -> {
                    s.setItems(s.getItems() + sign);
                    s.setPurchases(s.getPurchases() + (purchase ? sign : 0));
                }, false, emit);
            }
        }
        save(userId, agg);
        refresh(userId, agg, userExists, emit);
    }

    /** The users row was upserted (exists) or deleted. Only existence matters to the marts. */
    public void applyUser(long userId, boolean exists, Emit emit) {
        boolean existed = users.get(userId) != null;
        if (exists == existed) {
            return;
        }
        if (exists) {
            users.put(userId, 1L);
        } else {
            users.delete(userId);
        }
        crossSell.userExistenceChanged(userId, exists, emit);
        refresh(userId, null, exists, emit);
    }

    /**
     * Recomputes the row of {@code userId} and emits it when it changed (null when the user is gone).
     * {@code agg}: the user's aggregates when the caller holds them (null = read them).
     */
    private void refresh(long userId, UserAggregates agg, boolean userExists, Emit emit) {
        DimCustomerMetrics previous = rows.get(userId);
        if (!userExists) {
            if (previous != null) {
                rows.delete(userId);
                emit.customerRow(userId, null);
            }
            return;
        }
        DimCustomerMetrics row = build(userId, agg != null ? agg : load(userId));
        if (!row.equals(previous)) {
            rows.put(userId, row);
            emit.customerRow(userId, row);
        }
    }

    static DimCustomerMetrics build(long userId, UserAggregates a) {
        double revenue = a.getRevenueN() > 0 ? ExactSum.toDouble(a.getRevenueSum()) : 0.0;
        double cost = a.getCostN() > 0 ? ExactSum.toDouble(a.getCostSum()) : 0.0;
        double avgRevenue = a.getRevenueN() > 0 ? revenue / a.getRevenueN() : 0.0;
        Double avgCost = a.getCostN() > 0 ? cost / a.getCostN() : null;
        return DimCustomerMetrics.newBuilder()
                .setUserId(userId)
                .setTotalEvents(a.getEventCount())
                .setTotalSessions(a.getSessionCount())
                .setLastEventDttm(Micros.toInstant(a.getLastEventAt()))
                .setTotalProductsViewed(a.getProductsViewed())
                .setLastOrderDttm(Micros.toInstant(a.getLastOrderAt()))
                .setTotalOrders(a.getOrderCount())
                .setTotalOrderRevenue(revenue)
                .setTotalOrderCost(cost)
                .setTotalOrderProfit(a.getRevenueN() > 0 && a.getCostN() > 0 ? revenue - cost : 0.0)
                .setAvgOrderRevenue(avgRevenue)
                .setAvgOrderCost(avgCost == null ? 0.0 : avgCost)
                .setAvgOrderProfit(avgCost == null ? null : avgRevenue - avgCost)
                .setTotalProductsPurchased(a.getProductsPurchased())
                .build();
    }

    /** Keeps the cached latest time right: a new later time wins; retracting the latest looks up the next. */
    private static Long updateLatest(Counts times, long userId, long time, int sign, Long latest) {
        times.add(KeyBytes.of(userId, time), sign);
        if (sign > 0) {
            return latest == null || time > latest ? time : latest;
        }
        if (latest != null && time == latest) {
            return times.lastIn(KeyBytes.of(userId, Long.MIN_VALUE), KeyBytes.of(userId, Long.MAX_VALUE), 1);
        }
        return latest;
    }

    private UserAggregates load(long userId) {
        UserAggregates agg = aggregates.get(userId);
        return agg != null ? agg : UserAggregates.newBuilder().build();
    }

    private void save(long userId, UserAggregates agg) {
        StoreWrites.putUnlessEmpty(aggregates, userId, agg, EMPTY);
    }

    /**
     * Changes the (user, product) stats, moves the user's distinct counts of products viewed and
     * purchased on 0 <-> 1 transitions, and tells the cross-sell side.
     */
    private void updatePair(long userId, long productId, UserAggregates agg, boolean userExists,
                            Consumer<UserProductStats> change, boolean viewsChanged, Emit emit) {
        Bytes key = KeyBytes.of(userId, productId);
        UserProductStats stats = userProducts.get(key); // a fresh copy from the store's bytes: ours to change
        boolean wasCandidate = CrossSellViews.isCandidate(userExists, stats);
        if (stats == null) {
            stats = new UserProductStats(0L, 0L, 0L, null, null);
        }
        long viewsBefore = stats.getViews();
        long itemsBefore = stats.getItems();
        change.accept(stats);
        agg.setProductsViewed(agg.getProductsViewed() + Counts.presenceChange(viewsBefore, stats.getViews()));
        agg.setProductsPurchased(agg.getProductsPurchased() + Counts.presenceChange(itemsBefore, stats.getItems()));
        saveStats(key, stats);
        crossSell.update(userId, productId, stats, userExists, wasCandidate, viewsChanged, emit);
    }

    private void saveStats(Bytes key, UserProductStats stats) {
        if (stats.getViews() == 0 && stats.getItems() == 0 && stats.getPurchases() == 0) {
            userProducts.delete(key);
        } else {
            userProducts.put(key, stats);
        }
    }
}
