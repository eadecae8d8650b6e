package thelook.streams.marts;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import thelook.avro.internal.CrossSellViewState;

/** Candidate states from the user side, keyed by product: become fct_cross_sell_candidates rows. */
public final class CrossSellAssembly implements Processor<Long, CrossSellViewState, Object, SpecificRecord> {
    private ProcessorContext<Object, SpecificRecord> context;
    private CrossSellCandidatesMart mart;

    @Override
    public void init(ProcessorContext<Object, SpecificRecord> context) {
        this.context = context;
        this.mart = new CrossSellCandidatesMart(context);
    }

    @Override
    public void process(Record<Long, CrossSellViewState> record) {
        mart.apply(record.value(), (k, v) -> context.forward(record.withKey(k).withValue(v)));
    }
}
