package thelook.streams.intermediate;

import thelook.streams.topology.BadRecordException;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Product;
import thelook.avro.internal.StagedItem;
import thelook.streams.marts.CrossSellCandidatesMart;
import thelook.streams.marts.ProductPerformanceMart;
import thelook.streams.state.KeyBytes;
import thelook.streams.state.StoreWrites;
import thelook.streams.topology.Emit;
import thelook.streams.topology.StoreNames;

/**
 * The products changelog on the product partition. A product change reaches everything that shows it:
 * its performance row, its cross-sell rows, and (when the cost changed) the enriched items of the
 * product, which go back to their orders so that the users' order costs follow.
 */
public final class ProductCatalog implements Processor<Long, Product, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private KeyValueStore<Long, Product> products;
    private KeyValueStore<Bytes, StagedItem> productItems;
    private ProductPerformanceMart performance;
    private CrossSellCandidatesMart crossSell;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        products = context.getStateStore(StoreNames.PRODUCTS);
        productItems = context.getStateStore(StoreNames.PRODUCT_ITEMS);
        performance = new ProductPerformanceMart(context);
        crossSell = new CrossSellCandidatesMart(context);
    }

    @Override
    public void process(Record<Long, Product> record) {
        Long productId = record.key();
        if (productId == null) {
            throw new BadRecordException("products record without a key (the key must be the product id)");
        }
        Product next = record.value();
        if (next != null && next.getCost() != null && !Double.isFinite(next.getCost())) {
            throw new BadRecordException("product " + productId + ": cost is not a finite number: " + next.getCost());
        }
        Product previous = products.get(productId);
        if (Objects.equals(previous, next)) {
            return;
        }
        StoreWrites.putOrDelete(products, productId, next);
        Emit emit = Emit.to(context, record);
        performance.refresh(productId, emit);
        crossSell.productChanged(productId, next, emit);
        if (!Objects.equals(cost(previous), cost(next))) {
            try (KeyValueIterator<Bytes, StagedItem> it = productItems.range(
                    KeyBytes.of(productId, Long.MIN_VALUE), KeyBytes.of(productId, Long.MAX_VALUE))) {
                while (it.hasNext()) {
                    StagedItem item = it.next().value;
                    if (item.getOrderId() != null) {
                        emit.emit(item.getOrderId(), ProductItems.enriched(item, cost(next)));
                    }
                }
            }
        }
    }

    static Double cost(Product p) {
        return p == null ? null : p.getCost();
    }
}
