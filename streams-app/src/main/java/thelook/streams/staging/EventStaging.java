package thelook.streams.staging;

import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.avro.Event;
import thelook.avro.internal.EventDelta;
import thelook.avro.internal.StagedEvent;
import thelook.schemas.Micros;
import thelook.streams.flow.BadRecordException;
import thelook.streams.names.StoreNames;
import thelook.streams.state.StoreWrites;

/**
 * stg_events: reads the events topic as a changelog (latest value per event id, tombstone = delete),
 * keeps the previous staged version, and emits it retracted (-1) before the new one is added (+1).
 * A duplicate changes nothing and emits nothing. Only events that count somewhere (a user's, or a
 * product view) are kept.
 */
public final class EventStaging implements Processor<Long, Event, Long, EventDelta> {
    private ProcessorContext<Long, EventDelta> context;
    private KeyValueStore<Long, StagedEvent> staged;

    @Override
    public void init(ProcessorContext<Long, EventDelta> context) {
        this.context = context;
        this.staged = context.getStateStore(StoreNames.STAGED_EVENTS);
    }

    @Override
    public void process(Record<Long, Event> record) {
        Long id = record.key();
        if (id == null) {
            throw new BadRecordException("events record without a key (the key must be the event id)");
        }
        StagedEvent next = record.value() == null ? null : stage(id, record.value());
        if (next != null && next.getUserId() == null && next.getViewedProductId() == null) {
            // An anonymous event that is not a product view counts nowhere, so it is kept like a deleted
            // one: nothing to store (a quarter of all events), nothing to retract if it changes later.
            next = null;
        }
        StagedEvent previous = staged.get(id);
        if (Objects.equals(previous, next)) {
            return;
        }
        StoreWrites.putOrDelete(staged, id, next);
        if (previous != null) {
            context.forward(record.withValue(new EventDelta(-1, previous)));
        }
        if (next != null) {
            context.forward(record.withValue(new EventDelta(1, next)));
        }
    }

    static StagedEvent stage(long id, Event e) {
        Long viewed = "product".equals(e.getEventType()) ? UriProductId.parse(e.getUri()) : null;
        return new StagedEvent(id, e.getUserId(), e.getSessionId(), Micros.of(e.getCreatedAt()), viewed);
    }
}
