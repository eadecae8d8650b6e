package thelook.streams.marts;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import thelook.avro.internal.EventDelta;

/** Product views, keyed by product: feed dim_product_performance's view counts. */
public final class ProductViews implements Processor<Long, EventDelta, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private ProductPerformanceMart mart;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = new ProductPerformanceMart(context);
    }

    @Override
    public void process(Record<Long, EventDelta> record) {
        long productId = record.key();
        mart.applyView(productId, record.value().getEvent(), record.value().getSign());
        mart.refresh(productId, (k, v) -> context.forward(record.withKey(k).withValue(v)));
    }
}
