package thelook.streams.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import thelook.backfill.plan.PlannedRecord;
import thelook.schemas.TheLookTable;

/**
 * {@code thelook_backfill_records_total{table}}, {@code thelook_backfill_event_time_seconds} (the event time
 * reached) and {@code thelook_backfill_dead_letters_total}, when the backfill runs inside {@code run}; without
 * a registry it counts nothing but still follows the event time reached, for the progress line.
 */
final class BackfillMetrics {
    private final Counter[] records = new Counter[TheLookTable.values().length];
    private final Counter deadLetters;
    private final AtomicLong eventTimeMicros = new AtomicLong(PlannedRecord.NO_TIME);

    BackfillMetrics(MeterRegistry meters) {
        if (meters == null) {
            deadLetters = null;
            return;
        }
        for (TheLookTable t : TheLookTable.values()) {
            records[t.ordinal()] = Counter.builder("thelook.backfill.records").description("Records the backfill produced")
                    .tag("table", t.tableName()).register(meters);
        }
        deadLetters = Counter.builder("thelook.backfill.dead.letters").description("Rows the backfill sent to the dead-letter topic")
                .register(meters);
        Gauge.builder("thelook.backfill.event.time", eventTimeMicros, t -> t.get() == PlannedRecord.NO_TIME ? 0 : t.get() / 1e6)
                .description("The event time the backfill has reached (epoch seconds)").baseUnit("seconds").register(meters);
    }

    /** {@code planned} as the writer reads it, each record counted (and its event time noted) as it goes out. */
    Iterable<PlannedRecord> counting(Iterable<PlannedRecord> planned) {
        return () -> {
            Iterator<PlannedRecord> it = planned.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public PlannedRecord next() {
                    PlannedRecord r = it.next();
                    if (deadLetters != null) {
                        records[r.table().ordinal()].increment();
                    }
                    if (r.time() != PlannedRecord.NO_TIME) {
                        eventTimeMicros.lazySet(r.time());
                    }
                    return r;
                }
            };
        };
    }

    /** The event time of the last timed record counted, or {@link PlannedRecord#NO_TIME}. */
    long eventTime() {
        return eventTimeMicros.get();
    }

    void deadLetter() {
        if (deadLetters != null) {
            deadLetters.increment();
        }
    }
}
