package thelook.streams.marts;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.CrossSellKey;
import thelook.avro.FctCrossSellCandidates;
import thelook.avro.Product;
import thelook.avro.internal.CrossSellViewState;
import thelook.schemas.Micros;
import thelook.streams.flow.Emit;
import thelook.streams.names.StoreNames;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;

/**
 * fct_cross_sell_candidates, product side: a row per candidate pair with the product's columns (NULL
 * for an unknown product). Rows are stored under (product_id, user_id) so that a product change
 * rewrites exactly that product's rows; the mart topic is keyed by {@link CrossSellKey}.
 */
public final class CrossSellCandidatesMart {
    private final KeyValueStore<Long, Product> products;
    private final KeyValueStore<Bytes, FctCrossSellCandidates> rows;

    public CrossSellCandidatesMart(ProcessorContext<?, ?> context) {
        products = context.getStateStore(StoreNames.PRODUCTS);
        rows = context.getStateStore(StoreNames.CROSS_SELL_CANDIDATES);
    }

    /** The user side says what the pair is now. */
    public void apply(CrossSellViewState state, Emit emit) {
        Bytes key = KeyBytes.of(state.getProductId(), state.getUserId());
        FctCrossSellCandidates previous = rows.get(key);
        FctCrossSellCandidates row = state.getPresent() ? build(state, products.get(state.getProductId())) : null;
        write(key, previous, row, emit);
    }

    /** The product row changed: its columns in every row of the product follow. */
    public void productChanged(long productId, Product product, Emit emit) {
        try (KeyValueIterator<Bytes, FctCrossSellCandidates> it =
                     rows.range(KeyBytes.of(productId, Long.MIN_VALUE), KeyBytes.of(productId, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                var kv = it.next();
                FctCrossSellCandidates old = kv.value;
                CrossSellViewState state = new CrossSellViewState(old.getUserId(), productId, true,
                        old.getTotalProductViews(), Micros.of(old.getFirstViewedAt()), Micros.of(old.getLastViewedAt()));
                write(kv.key, old, build(state, product), emit);
            }
        }
    }

    private void write(Bytes key, FctCrossSellCandidates previous, FctCrossSellCandidates row, Emit emit) {
        if (Objects.equals(previous, row)) {
            return;
        }
        StoreWrites.putOrDelete(rows, key, row);
        emit.crossSellRow(new CrossSellKey(KeyBytes.longAt(key, 1), KeyBytes.longAt(key, 0)), row);
    }

    static FctCrossSellCandidates build(CrossSellViewState s, Product p) {
        Double retail = p == null ? null : p.getRetailPrice();
        return FctCrossSellCandidates.newBuilder()
                .setUserId(s.getUserId())
                .setProductId(s.getProductId())
                .setProductName(p == null ? null : p.getName())
                .setProductBrand(p == null ? null : p.getBrand())
                .setProductCategory(p == null ? null : p.getCategory())
                .setProductDepartment(p == null ? null : p.getDepartment())
                .setProductRetailPrice(retail)
                .setProductCost(p == null ? null : p.getCost())
                .setTotalProductViews(s.getViews())
                .setFirstViewedAt(Micros.toInstant(s.getFirstViewedAt()))
                .setLastViewedAt(Micros.toInstant(s.getLastViewedAt()))
                .setHasPurchased(0L)
                .setEstimatedLostRevenue(retail == null ? null : s.getViews() * retail)
                .build();
    }
}
