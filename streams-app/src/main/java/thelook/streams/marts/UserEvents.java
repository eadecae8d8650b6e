package thelook.streams.marts;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import thelook.avro.internal.EventDelta;

/** Events of logged-in users, keyed by user: feed dim_customer_metrics and the cross-sell views. */
public final class UserEvents implements Processor<Long, EventDelta, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private CustomerMetricsMart mart;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = new CustomerMetricsMart(context);
    }

    @Override
    public void process(Record<Long, EventDelta> record) {
        EventDelta delta = record.value();
        mart.applyEvent(record.key(), delta.getEvent(), delta.getSign(), (k, v) -> context.forward(record.withKey(k).withValue(v)));
    }
}
