package thelook.streams.marts;

import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import thelook.streams.topology.BadRecordException;
import thelook.streams.topology.Emit;

/**
 * Feeds the records of one source into the mart helper of its partition, and forwards what the helper
 * emits (mart rows, or records for the next partition). The topology names each feed.
 */
public final class MartFeed<V, M> implements Processor<Long, V, Object, SpecificRecord> {
    /** What one record does to the mart. */
    @FunctionalInterface
    public interface Step<V, M> {
        void apply(M mart, Record<Long, V> record, Emit emit);
    }

    private final Function<ProcessorContext<?, ?>, M> martOf;
    private final Step<V, M> step;
    private ProcessorContext<Object, SpecificRecord> context;
    private M mart;

    private MartFeed(Function<ProcessorContext<?, ?>, M> martOf, Step<V, M> step) {
        this.martOf = martOf;
        this.step = step;
    }

    public static <V, M> ProcessorSupplier<Long, V, Object, SpecificRecord> of(Function<ProcessorContext<?, ?>, M> martOf,
                                                                              Step<V, M> step) {
        return () -> new MartFeed<>(martOf, step);
    }

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = martOf.apply(context);
    }

    @Override
    public void process(Record<Long, V> record) {
        if (record.key() == null) {
            throw new BadRecordException("record without a key on " + context.recordMetadata().map(m -> m.topic()).orElse("?"));
        }
        step.apply(mart, record, Emit.to(context, record));
    }
}
