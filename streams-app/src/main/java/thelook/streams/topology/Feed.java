package thelook.streams.topology;

import thelook.streams.flow.BadRecordException;
import thelook.streams.flow.Emit;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Feeds the records of one source into the helper that owns its partition's state (a mart, or an
 * intermediate join), and forwards what the helper emits: mart rows, or records for the next partition.
 * Each partition's helper is built per task from the stores the topology connects; the topology names
 * each feed.
 */
public final class Feed<V, H> implements Processor<Long, V, Object, SpecificRecord> {
    /** What one record does to the helper. */
    @FunctionalInterface
    public interface Step<V, H> {
        void apply(H helper, Record<Long, V> record, Emit emit);
    }

    private final Function<ProcessorContext<?, ?>, H> helperOf;
    private final Step<V, H> step;
    private ProcessorContext<Object, SpecificRecord> context;
    private H helper;

    private Feed(Function<ProcessorContext<?, ?>, H> helperOf, Step<V, H> step) {
        this.helperOf = helperOf;
        this.step = step;
    }

    public static <V, H> ProcessorSupplier<Long, V, Object, SpecificRecord> of(Function<ProcessorContext<?, ?>, H> helperOf,
                                                                              Step<V, H> step) {
        return () -> new Feed<>(helperOf, step);
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.helper = helperOf.apply(context);
    }

    @Override
    public void process(Record<Long, V> record) {
        if (record.key() == null) {
            throw new BadRecordException("record without a key on " + context.recordMetadata().map(m -> m.topic()).orElse("?"));
        }
        step.apply(helper, record, Emit.to(context, record));
    }
}
