package thelook.streams.flow;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Where a mart helper sends a changed row (null value = the row is gone) or an intermediate record. */
@FunctionalInterface
public interface Emit {
    void emit(Object key, SpecificRecord value);

    /** Forwards downstream with the timestamp and headers of the record that caused it. */
    static Emit to(ProcessorContext<Object, SpecificRecord> context, Record<?, ?> cause) {
        return (k, v) -> context.forward(new Record<>(k, v, cause.timestamp(), cause.headers()));
    }
}
