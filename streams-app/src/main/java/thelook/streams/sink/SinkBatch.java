package thelook.streams.sink;

import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records read since the last write, keeping only the last version of each key: a warehouse needs
 * the final state of a key, and BigQuery keeps the first, not the last, of several rows with one key in
 * a request. Arrival order within a partition is the topic's order, so "last" is the newest version.
 * Values are decoded only for the versions that stay ({@link #decode}): during a catch-up about 40% of
 * the records are superseded within their batch.
 */
public final class SinkBatch {
    private final Map<MartTable, LinkedHashMap<RowKey, ConsumerRecord<byte[], byte[]>>> records = new EnumMap<>(MartTable.class);
    private final Map<MartTable, LinkedHashMap<RowKey, MartChange>> changes = new EnumMap<>(MartTable.class);
    private long added;
    private long firstAddedNanos;

    public SinkBatch() {
        // one map per table for the batch's life and the next ones': cleared, not dropped, so a catch-up's batches
        // do not grow new tables of thousands of entries each time
        for (MartTable t : MartTable.values()) {
            records.put(t, new LinkedHashMap<>());
            changes.put(t, new LinkedHashMap<>());
        }
    }

    /** A record whose key is read; its value is decoded later, if it is still the last of its key. */
    void add(MartTable table, RowKey key, ConsumerRecord<byte[], byte[]> record) {
        if (added == 0) {
            firstAddedNanos = System.nanoTime();
        }
        added++;
        records.get(table).put(key, record);
    }

    /** A change already decoded (tests, and targets' own callers). */
    public void add(MartChange change) {
        if (added == 0) {
            firstAddedNanos = System.nanoTime();
        }
        added++;
        changes.get(change.table()).put(change.key(), change);
    }

    /** Decodes the last version of every key; one that does not decode goes to {@code bad} with the reason and leaves the batch. */
    void decode(MartDecoder decoder, BiConsumer<ConsumerRecord<byte[], byte[]>, String> bad) {
        for (var e : records.entrySet()) {
            LinkedHashMap<RowKey, MartChange> out = changes.get(e.getKey());
            for (var r : e.getValue().entrySet()) {
                try {
                    out.put(r.getKey(), decoder.decode(e.getKey(), r.getKey(), r.getValue()));
                } catch (IllegalArgumentException ex) {
                    bad.accept(r.getValue(), ex.getMessage());
                }
            }
            e.getValue().clear();
        }
    }

    /** Records added, counting superseded versions. */
    public long records() {
        return added;
    }

    /** Distinct keys decoded, the rows a write carries. */
    public int rows() {
        return changes.values().stream().mapToInt(Map::size).sum();
    }

    public boolean isEmpty() {
        return added == 0;
    }

    public long ageNanos() {
        return added == 0 ? 0 : System.nanoTime() - firstAddedNanos;
    }

    /** The last version of each key of {@code table}, in the order their keys first arrived. */
    public Collection<MartChange> changes(MartTable table) {
        return changes.get(table).values();
    }

    public void clear() {
        records.values().forEach(Map::clear);
        changes.values().forEach(Map::clear);
        added = 0;
    }
}
