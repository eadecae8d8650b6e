package thelook.backfill.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
import thelook.backfill.csv.CsvTableFile;
import thelook.backfill.csv.OnError;
import thelook.backfill.csv.RowErrors;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/**
 * The replay of a snapshot as one event-time stream across all tables (docs/marts.md section 5):
 * every current row unfolded into its lifecycle versions, serialized for its topic, and sorted by
 * event time on disk. Every file is read and checked before the first record can be produced, so a
 * bad file never leaves half a replay in Kafka.
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

    public static ReplayPlan fromCsvDirectory(Path dir, TopicSerdes serdes, String topicPrefix, OnError onError,
                                              Progress progress) {
        if (!Files.isDirectory(dir)) {
            throw new thelook.backfill.csv.BadInputException(dir + ": not a directory");
        }
        Map<TheLookTable, CsvTableFile> files = new EnumMap<>(TheLookTable.class);
        for (TheLookTable table : TheLookTable.values()) { // check every header before reading any row
            CsvTableFile file = CsvTableFile.open(dir, table);
            if (file != null) {
                files.put(table, file);
            }
        }
        if (progress != null) {
            progress.headersChecked();
        }
        ReplayPlan plan;
        try {
            plan = new ReplayPlan(Files.createTempDirectory("thelook-replay-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the replay plan", e);
        }
        try {
            plan.addTables(files.values(), serdes, topicPrefix, onError, progress);
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
        return plan;
    }

    /**
     * Tables are read in parallel, one thread per core, biggest file first; each fills a sorter of its own
     * and the plan then merges them all. Ties in time keep the sequential order (table, then row) because
     * every record's seq starts with its table's ordinal.
     */
    private void addTables(Collection<CsvTableFile> files, TopicSerdes serdes, String topicPrefix, OnError onError,
                           Progress progress) {
        List<CsvTableFile> bySize = new ArrayList<>(files);
        bySize.sort(Comparator.comparingLong(ReplayPlan::sizeOf).reversed());
        int threads = Math.max(1, Math.min(bySize.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "replay-planner");
            t.setDaemon(true);
            return t;
        });
        Map<TheLookTable, Future<TablePlan>> futures = new EnumMap<>(TheLookTable.class);
        try {
            for (CsvTableFile file : bySize) {
                futures.put(file.table(), pool.submit(() -> planTable(file, serdes, topicPrefix, onError, progress)));
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
                rowsPerTable.put(t.table(), t.rows());
                recordsPerTable.put(t.table(), t.records());
                errors.addAll(t.errors());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the CSVs", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private record TablePlan(TheLookTable table, ExternalSorter sorter, long rows, long records, RowErrors errors) {}

    /** One pass when the file allows it (unique keys, every row good), else the two passes that handle both. */
    private TablePlan planTable(CsvTableFile file, TopicSerdes serdes, String topicPrefix, OnError onError, Progress progress) {
        TablePlan plan = planTable(file, serdes, topicPrefix, onError, progress, true);
        return plan != null ? plan : planTable(file, serdes, topicPrefix, onError, progress, false);
    }

    @SuppressWarnings("unchecked")
    private TablePlan planTable(CsvTableFile file, TopicSerdes serdes, String topicPrefix, OnError onError, Progress progress,
                                boolean onePass) {
        TheLookTable table = file.table();
        String topic = table.topic(topicPrefix);
        Serializer<SpecificRecord> serializer =
                (Serializer<SpecificRecord>) serdes.value(table.recordClass()).serializer();
        ExternalSorter tableSorter = new ExternalSorter(tempDir, RUN_SIZE);
        RowErrors tableErrors = new RowErrors();
        long[] counts = {0, 0}; // rows, records
        long seqBase = (long) table.ordinal() << 40;
        CsvTableFile.RowConsumer plan = (line, row) -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("another table failed");
            }
            long key = (Long) ((SpecificRecordBase) row).get(table.primaryKey());
            for (Lifecycle.Version v : Lifecycle.unfold(table, row)) {
                tableSorter.add(new PlannedRecord(v.time(), seqBase + counts[1]++, table, key,
                        serializer.serialize(topic, v.row())));
            }
            if (++counts[0] % 50_000 == 0 && progress != null) {
                progress.rowsRead(table, counts[0]);
            }
        };
        try {
            if (onePass) {
                if (!file.forEachRowIfUniqueAndValid(plan)) {
                    tableSorter.close(); // a repeated key or a bad row: start again with two passes
                    return null;
                }
            } else {
                file.forEachCurrentRow(onError, tableErrors, plan);
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

    private static long sizeOf(CsvTableFile file) {
        try {
            return Files.size(file.file());
        } catch (IOException e) {
            return 0;
        }
    }

    /** Number of records the replay will produce. */
    public long size() {
        return sorter.count();
    }

    /** Rows read per table (the current version of each key), in table order. */
    public Map<TheLookTable, Long> rowsPerTable() {
        return java.util.Collections.unmodifiableMap(new EnumMap<>(rowsPerTable));
    }

    /** Records planned per table (rows unfolded into their lifecycle versions), in table order. */
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
            Files.deleteIfExists(tempDir);
        } catch (IOException ignored) {
            // left for the OS temp cleaner
        }
    }
}
