package thelook.streams.marts;

import thelook.streams.topology.BadRecordException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import thelook.avro.User;

/** The users changelog: a user row exists (upsert) or not (tombstone); its columns do not reach the marts. */
public final class UserRows implements Processor<Long, User, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private CustomerMetricsMart mart;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = new CustomerMetricsMart(context);
    }

    @Override
    public void process(Record<Long, User> record) {
        if (record.key() == null) {
            throw new BadRecordException("users record without a key (the key must be the user id)");
        }
        mart.applyUser(record.key(), record.value() != null, (k, v) -> context.forward(record.withKey(k).withValue(v)));
    }
}
