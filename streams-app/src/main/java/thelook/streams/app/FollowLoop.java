package thelook.streams.app;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecordBase;
import thelook.backfill.kafka.TopicWriter;
import thelook.backfill.plan.EventWindow;
import thelook.backfill.plan.ReplayPlan;
import thelook.backfill.source.RowErrors;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/**
 * {@code backfill --follow}: after the snapshot, every {@code followEvery} reads the rows of the tables with a
 * {@code created_at} created since the last look (less an overlap, for rows that land late), leaves out the
 * keys it produced already, and produces the rest through the same planner (unfolded, in event-time order,
 * paced). Only new rows are followed: a row updated in place keeps its {@code created_at} and is not seen
 * again (BigQuery tables have no change feed; live changes come through Pub/Sub).
 */
final class FollowLoop {
    /** The tables with a {@code created_at} to follow by. */
    static final Set<TheLookTable> FOLLOWED = EnumSet.of(TheLookTable.USERS, TheLookTable.ORDERS, TheLookTable.ORDER_ITEMS,
            TheLookTable.EVENTS, TheLookTable.INVENTORY_ITEMS);

    /** Saves where following got: the largest {@code created_at} produced, and the records of this look. */
    @FunctionalInterface
    interface Saver {
        void save(long followFromMicros, long records, Map<TheLookTable, Long> perTable);
    }

    private final BackfillJob.Options options;
    private final TopicSerdes serdes;
    private final TopicWriter writer;
    private final JobListener listener;
    private final BackfillMetrics metrics;
    private final Saver saver;
    private final BooleanSupplier stopped;
    private final Map<Long, Long>[] seen; // per table: key -> created_at (micros), the keys produced within the overlap
    private long followFrom;
    /**
     * Rows rejected by earlier looks (as read): a bad row created within the overlap is read again by the next
     * looks, and goes to the dead-letter topic once. Bounded, oldest first out.
     */
    private final Set<String> rejected = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 100_000;
        }
    });

    @SuppressWarnings("unchecked")
    FollowLoop(BackfillJob.Options options, TopicSerdes serdes, TopicWriter writer, JobListener listener, BackfillMetrics metrics,
               Instant followFrom, BooleanSupplier stopped, Saver saver) {
        this.stopped = stopped;
        this.options = options;
        this.serdes = serdes;
        this.writer = writer;
        this.listener = listener;
        this.metrics = metrics;
        this.saver = saver;
        this.followFrom = EventWindow.micros(followFrom);
        this.seen = new Map[TheLookTable.values().length];
        for (TheLookTable t : TheLookTable.values()) {
            seen[t.ordinal()] = new ConcurrentHashMap<>();
        }
    }

    /** Looks for new rows until stopped (or interrupted). */
    void run() throws InterruptedException {
        BackfillJob.Plan plan = options.plan();
        Set<TheLookTable> tables = EnumSet.copyOf(FOLLOWED);
        tables.retainAll(plan.tables());
        listener.phase("Following new rows (every " + plan.followEvery().toSeconds() + " s)", -1);
        while (!stopped.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            try {
                look(tables, plan);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                if (stopped.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("stopped");
                }
                listener.info("follow: " + e.getMessage() + "; looking again in " + plan.followEvery().toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(plan.followEvery().toMillis());
        }
        throw new InterruptedException("stopped");
    }

    private RowErrors.Listener onceEach(RowErrors.Listener deadLetters) {
        return (message, row) -> {
            boolean first;
            synchronized (rejected) {
                first = rejected.add(row != null ? row : message);
            }
            if (first) {
                deadLetters.rejected(message, row);
            }
        };
    }

    private void look(Set<TheLookTable> tables, BackfillJob.Plan plan) throws InterruptedException {
        long from = followFrom - plan.followOverlap().toNanos() / 1000;
        for (Map<Long, Long> s : seen) {
            s.values().removeIf(created -> created < from);
        }
        AtomicLong newest = new AtomicLong(followFrom);
        ReplayPlan.RowFilter fresh = (table, key, row) -> {
            Object created = ((SpecificRecordBase) row).get("created_at");
            long micros = created instanceof Instant i ? EventWindow.micros(i) : from;
            if (seen[table.ordinal()].putIfAbsent(key, micros) != null) {
                return false; // produced by an earlier look
            }
            newest.accumulateAndGet(micros, Math::max);
            return true;
        };
        try (TableSource source = options.source().open(tables, null, EventWindow.instant(from), null);
             ReplayPlan replay = ReplayPlan.fromSource(source, serdes, options.topics().prefix(),
                     new ReplayPlan.Options(options.onError(), plan.window(), onceEach(BackfillJob.deadLetters(options, writer, metrics)),
                             fresh),
                     null)) {
            Map<TheLookTable, Long> counts = new EnumMap<>(TheLookTable.class);
            // no checkpoint while a look is written: the writer reports its counts once, at the end
            long produced = writer.write(metrics.counting(replay), options.topics().prefix(), null, plan.pace(),
                    (watermark, records, perTable) -> counts.putAll(perTable), Duration.ofDays(365));
            followFrom = newest.get();
            saver.save(followFrom, produced, counts);
            if (produced > 0) {
                listener.info(String.format("followed: %,d new rows, %,d records, created up to %s", replay.rowsPerTable().values()
                        .stream().mapToLong(Long::longValue).sum(), produced, EventWindow.instant(followFrom)));
            }
        }
    }
}
