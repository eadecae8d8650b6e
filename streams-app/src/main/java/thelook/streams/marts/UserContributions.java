package thelook.streams.marts;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import thelook.avro.internal.UserContribution;

/** Orders and items attributed to a user by orders.user_id: feed dim_customer_metrics and cross-sell purchases. */
public final class UserContributions implements Processor<Long, UserContribution, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private CustomerMetricsMart mart;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = new CustomerMetricsMart(context);
    }

    @Override
    public void process(Record<Long, UserContribution> record) {
        mart.applyContribution(record.key(), record.value(), (k, v) -> context.forward(record.withKey(k).withValue(v)));
    }
}
