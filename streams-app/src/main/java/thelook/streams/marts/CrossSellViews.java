package thelook.streams.marts;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.internal.CrossSellViewState;
import thelook.avro.internal.UserProductStats;
import thelook.streams.flow.Emit;
import thelook.streams.names.StoreNames;
import thelook.streams.state.Counts;
import thelook.streams.state.KeyBytes;

/**
 * The user side of fct_cross_sell_candidates. A (user, product) pair is a candidate while it has
 * logged-in views and is not purchased, where purchased means a qualifying item (status not NULL and
 * not 'Cancelled') in an order of that user *and* the user exists in users. Each change of a pair's
 * candidacy or view stats is sent, keyed by product, to the product side that adds the product's
 * columns.
 */
public final class CrossSellViews {
    private final KeyValueStore<Bytes, UserProductStats> userProducts;
    private final Counts viewTimes;

    public CrossSellViews(ProcessorContext<?, ?> context) {
        userProducts = context.getStateStore(StoreNames.USER_PRODUCTS);
        viewTimes = new Counts(context.getStateStore(StoreNames.USER_VIEW_TIMES));
    }

    public static boolean isCandidate(boolean userExists, UserProductStats stats) {
        return stats != null && stats.getViews() > 0 && !(stats.getPurchases() > 0 && userExists);
    }

    /**
     * A logged-in view of the pair added or retracted, applied to its stats. The earliest and latest
     * view times are kept in the stats; only retracting one of them looks the next one up in the ordered
     * (user, product, time) counts.
     */
    public void applyView(UserProductStats stats, long userId, long productId, Long createdAt, int sign) {
        stats.setViews(stats.getViews() + sign);
        if (createdAt == null) {
            return;
        }
        viewTimes.add(KeyBytes.of(userId, productId, createdAt), sign);
        Long first = stats.getFirstViewedAt();
        Long last = stats.getLastViewedAt();
        if (sign > 0) {
            stats.setFirstViewedAt(first == null || createdAt < first ? createdAt : first);
            stats.setLastViewedAt(last == null || createdAt > last ? createdAt : last);
            return;
        }
        if (createdAt.equals(first)) {
            stats.setFirstViewedAt(viewTimes.firstIn(KeyBytes.of(userId, productId, Long.MIN_VALUE),
                    KeyBytes.of(userId, productId, Long.MAX_VALUE), 2));
        }
        if (createdAt.equals(last)) {
            stats.setLastViewedAt(viewTimes.lastIn(KeyBytes.of(userId, productId, Long.MIN_VALUE),
                    KeyBytes.of(userId, productId, Long.MAX_VALUE), 2));
        }
    }

    /** Sends the pair's state when it is or was a candidate and something it shows may have changed. */
    public void update(long userId, long productId, UserProductStats stats, boolean userExists, boolean wasCandidate,
                       boolean viewsChanged, Emit emit) {
        boolean candidate = isCandidate(userExists, stats);
        if (candidate == wasCandidate && !(candidate && viewsChanged)) {
            return;
        }
        CrossSellViewState state = new CrossSellViewState(userId, productId, candidate, 0L, null, null);
        if (candidate) {
            state.setViews(stats.getViews());
            state.setFirstViewedAt(stats.getFirstViewedAt());
            state.setLastViewedAt(stats.getLastViewedAt());
        }
        emit.crossSellState(productId, state);
    }

    /** The user row appeared or vanished: every viewed and purchased pair of the user flips. */
    public void userExistenceChanged(long userId, boolean userExists, Emit emit) {
        try (KeyValueIterator<Bytes, UserProductStats> it =
                     userProducts.range(KeyBytes.of(userId, Long.MIN_VALUE), KeyBytes.of(userId, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.value.getViews() > 0 && kv.value.getPurchases() > 0) {
                    // the pair's candidacy is the opposite of what it is now
                    update(userId, KeyBytes.longAt(kv.key, 1), kv.value, userExists, !isCandidate(userExists, kv.value), false, emit);
                }
            }
        }
    }
}
