package thelook.backfill.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;
import thelook.backfill.csv.CsvSource;
import thelook.backfill.source.OnError;
import thelook.backfill.source.OwnedTempDirs;
import thelook.backfill.source.RowConsumer;
import thelook.backfill.source.RowErrors;
import thelook.backfill.source.TableReader;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/**
 * The replay of a snapshot (from any {@link TableSource}) as one event-time stream across all tables (docs/marts.md section 5):
 * every current row unfolded into its lifecycle versions, serialized for its topic, and sorted by
 * event time on disk. Every table is read and checked before the first record can be produced, so a
 * bad table never leaves half a replay in Kafka.
 */
public final class ReplayPlan implements AutoCloseable, Iterable<PlannedRecord> {
    static final int RUN_SIZE = 250_000;

    private final ExternalSorter sorter;
    private final Path tempDir;
    private final Map<TheLookTable, Long> rowsPerTable = new EnumMap<>(TheLookTable.class);
    private final Map<TheLookTable, Long> recordsPerTable = new EnumMap<>(TheLookTable.class);
    private final RowErrors errors = new RowErrors();

    private ReplayPlan(Path tempDir) {
        this.tempDir = tempDir;
        this.sorter = new ExternalSorter(tempDir, RUN_SIZE);
    }

    /** Listens to planning progress: rows read so far, per table. */
    @FunctionalInterface
    public interface Progress {
        void rowsRead(TheLookTable table, long rows);

        /** Every file is there with the columns it needs; the rows are read next. */
        default void headersChecked() {}
    }

    /** A CSV directory with every table, no window: what {@code replay --input} and the tests plan. */
    public static ReplayPlan fromCsvDirectory(Path dir, TopicSerdes serdes, String topicPrefix, OnError onError,
                                              Progress progress) {
        CsvSource source = CsvSource.open(dir);
        if (progress != null) {
            progress.headersChecked();
        }
        return fromSource(source, serdes, topicPrefix, new Options(onError, EventWindow.ALL, null, null), progress);
    }

    /**
     * How a source is planned.
     *
     * @param window   the event times to keep (a {@code --since/--until} window, or where a resumed backfill starts)
     * @param rejected told of every row left out with {@link OnError#SKIP} (for a dead-letter topic), or null
     * @param keep     which rows to plan (called from the reading threads), or null for all
     */
    public record Options(OnError onError, EventWindow window, RowErrors.Listener rejected, RowFilter keep) {}

    /** Decides whether a row is planned, e.g. to leave out rows a following backfill produced already. */
    @FunctionalInterface
    public interface RowFilter {
        boolean keep(TheLookTable table, long key, SpecificRecord row);
    }

    /** Reads every part of every table of {@code source} (in parallel), unfolds and sorts them. */
    public static ReplayPlan fromSource(TableSource source, TopicSerdes serdes, String topicPrefix, Options options,
                                        Progress progress) {
        ReplayPlan plan;
        try {
            plan = new ReplayPlan(OwnedTempDirs.create("thelook-replay-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the replay plan", e);
        }
        try {
            List<Part> parts = new ArrayList<>();
            for (TheLookTable table : source.tables()) {
                List<TableReader> readers = source.readers(table);
                for (int i = 0; i < readers.size(); i++) {
                    parts.add(new Part(readers.get(i), i));
                }
            }
            plan.addParts(parts, serdes, topicPrefix, options, progress);
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
        return plan;
    }

    /** A reader and its index among its table's readers (part of every record's seq). */
    private record Part(TableReader reader, int index) {}

    /**
     * Parts are read in parallel, one thread per core, biggest first; each fills a sorter of its own and the
     * plan then merges them all. Ties in time keep the sequential order (table, part, then row) because every
     * record's seq starts with its table's ordinal and its part's index.
     */
    private void addParts(List<Part> parts, TopicSerdes serdes, String topicPrefix, Options options, Progress progress) {
        List<Part> bySize = new ArrayList<>(parts);
        bySize.sort(Comparator.comparingLong((Part p) -> p.reader().sizeBytes()).reversed());
        int threads = Math.max(1, Math.min(bySize.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "replay-planner");
            t.setDaemon(true);
            return t;
        });
        Map<Part, Future<TablePlan>> futures = new java.util.TreeMap<>(
                Comparator.comparing((Part p) -> p.reader().table()).thenComparingInt(Part::index));
        try {
            for (Part part : bySize) {
                futures.put(part, pool.submit(() -> planPart(part, serdes, topicPrefix, options, progress)));
            }
            RuntimeException failure = null;
            List<TablePlan> done = new ArrayList<>();
            for (var future : futures.values()) { // in table order, so the first bad table is the one reported
                try {
                    done.add(future.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                        futures.values().forEach(f -> f.cancel(true));
                    }
                } catch (CancellationException e) {
                    // stopped because another table failed
                }
            }
            if (failure != null) {
                done.forEach(t -> t.sorter().close());
                throw failure;
            }
            for (TablePlan t : done) {
                sorter.absorb(t.sorter());
                rowsPerTable.merge(t.table(), t.rows(), Long::sum);
                recordsPerTable.merge(t.table(), t.records(), Long::sum);
                errors.addAll(t.errors());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the tables", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private record TablePlan(TheLookTable table, ExternalSorter sorter, long rows, long records, RowErrors errors) {}

    /** One pass when the part allows it (unique keys, every row good), else the careful path that handles both. */
    private TablePlan planPart(Part part, TopicSerdes serdes, String topicPrefix, Options options, Progress progress) {
        TablePlan plan = planPart(part, serdes, topicPrefix, options, progress, true);
        return plan != null ? plan : planPart(part, serdes, topicPrefix, options, progress, false);
    }

    @SuppressWarnings("unchecked")
    private TablePlan planPart(Part part, TopicSerdes serdes, String topicPrefix, Options options, Progress progress,
                               boolean onePass) {
        TableReader reader = part.reader();
        TheLookTable table = reader.table();
        String topic = table.topic(topicPrefix);
        Serializer<SpecificRecord> serializer =
                (Serializer<SpecificRecord>) serdes.value(table.recordClass()).serializer();
        ExternalSorter tableSorter = new ExternalSorter(tempDir, RUN_SIZE);
        RowErrors tableErrors = new RowErrors(options.rejected());
        EventWindow window = options.window();
        long[] counts = {0, 0, 0}; // rows, records kept, versions seen (seq)
        long seqBase = ((long) table.ordinal() << 56) | ((long) part.index() << 44);
        RowConsumer plan = (position, row) -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("another table failed");
            }
            long key = (Long) ((SpecificRecordBase) row).get(table.primaryKey());
            if (options.keep() != null && !options.keep().keep(table, key, row)) {
                return;
            }
            for (Lifecycle.Version v : Lifecycle.unfold(table, row)) {
                long seq = seqBase + counts[2]++;
                if (window.contains(v.time())) {
                    tableSorter.add(new PlannedRecord(v.time(), seq, table, key, serializer.serialize(topic, v.row())));
                    counts[1]++;
                }
            }
            if (++counts[0] % 50_000 == 0 && progress != null) {
                progress.rowsRead(table, counts[0]);
            }
        };
        try {
            if (onePass) {
                if (!reader.forEachRowIfUniqueAndValid(plan)) {
                    tableSorter.close(); // a repeated key or a bad row: start again on the careful path
                    return null;
                }
            } else {
                reader.forEachCurrentRow(options.onError(), tableErrors, plan);
            }
        } catch (RuntimeException e) {
            tableSorter.close();
            throw e;
        }
        if (progress != null) {
            progress.rowsRead(table, counts[0]);
        }
        return new TablePlan(table, tableSorter, counts[0], counts[1], tableErrors);
    }

    /** Number of records the replay will produce. */
    public long size() {
        return sorter.count();
    }

    /** Rows read per table (the current version of each key), in table order, whether or not the window kept them. */
    public Map<TheLookTable, Long> rowsPerTable() {
        return java.util.Collections.unmodifiableMap(new EnumMap<>(rowsPerTable));
    }

    /** Records planned per table (rows unfolded into their lifecycle versions, within the window), in table order. */
    public Map<TheLookTable, Long> recordsPerTable() {
        return java.util.Collections.unmodifiableMap(new EnumMap<>(recordsPerTable));
    }

    /** Rows left out with --on-error skip. */
    public RowErrors skippedRows() {
        return errors;
    }

    @Override
    public Iterator<PlannedRecord> iterator() {
        return sorter.sorted();
    }

    @Override
    public void close() {
        sorter.close();
        try {
            OwnedTempDirs.delete(tempDir);
        } catch (IOException ignored) {
            // left for the next plan (it removes the dirs whose owner is gone) or the OS temp cleaner
        }
    }
}
