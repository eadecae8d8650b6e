package thelook.backfill.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;
import thelook.backfill.csv.CsvTableFile;
import thelook.backfill.csv.OnError;
import thelook.backfill.csv.RowErrors;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/**
 * The replay of a snapshot as one event-time stream across all tables (marts-spec.md section 5):
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
    private long seq;

    private ReplayPlan(Path tempDir) {
        this.tempDir = tempDir;
        this.sorter = new ExternalSorter(tempDir, RUN_SIZE);
    }

    /** Listens to planning progress: rows read so far, per table. */
    @FunctionalInterface
    public interface Progress {
        void rowsRead(TheLookTable table, long rows);
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
        ReplayPlan plan;
        try {
            plan = new ReplayPlan(Files.createTempDirectory("thelook-replay-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the replay plan", e);
        }
        try {
            for (var entry : files.entrySet()) {
                plan.addTable(entry.getValue(), serdes, topicPrefix, onError, progress);
            }
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
        return plan;
    }

    @SuppressWarnings("unchecked")
    private void addTable(CsvTableFile file, TopicSerdes serdes, String topicPrefix, OnError onError, Progress progress) {
        TheLookTable table = file.table();
        String topic = table.topic(topicPrefix);
        Serializer<SpecificRecord> serializer =
                (Serializer<SpecificRecord>) serdes.value(table.recordClass()).serializer();
        long[] rows = {0};
        file.forEachCurrentRow(onError, errors, (line, row) -> {
            long key = (Long) ((SpecificRecordBase) row).get(table.primaryKey());
            for (Lifecycle.Version v : Lifecycle.unfold(table, row)) {
                sorter.add(new PlannedRecord(v.time(), seq++, table, key, serializer.serialize(topic, v.row())));
                recordsPerTable.merge(table, 1L, Long::sum);
            }
            if (++rows[0] % 50_000 == 0 && progress != null) {
                progress.rowsRead(table, rows[0]);
            }
        });
        rowsPerTable.put(table, rows[0]);
        if (progress != null) {
            progress.rowsRead(table, rows[0]);
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
