package thelook.streams.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** A record whose key is read; its value is decoded later, if it is still the last of its key. */
    void add(MartTable table, RowKey key, ConsumerRecord<byte[], byte[]> record) {
        if (added == 0) {
            firstAddedNanos = System.nanoTime();
        }
        added++;
        records.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(key, record);
    }

    /** A change already decoded (tests, and targets' own callers). */
    public void add(MartChange change) {
        if (added == 0) {
            firstAddedNanos = System.nanoTime();
        }
        added++;
        changes.computeIfAbsent(change.table(), t -> new LinkedHashMap<>()).put(change.key(), change);
    }

    /** Decodes the last version of every key; one that does not decode goes to {@code bad} with the reason and leaves the batch. */
    void decode(MartDecoder decoder, BiConsumer<ConsumerRecord<byte[], byte[]>, String> bad) {
        for (var e : records.entrySet()) {
            LinkedHashMap<RowKey, MartChange> out = changes.computeIfAbsent(e.getKey(), t -> new LinkedHashMap<>());
            for (var r : e.getValue().entrySet()) {
                try {
                    out.put(r.getKey(), decoder.decode(e.getKey(), r.getKey(), r.getValue()));
                } catch (IllegalArgumentException ex) {
                    bad.accept(r.getValue(), ex.getMessage());
                }
            }
        }
        records.clear();
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
        LinkedHashMap<RowKey, MartChange> m = changes.get(table);
        return m == null ? List.of() : m.values();
    }

    public List<MartChange> all() {
        List<MartChange> out = new ArrayList<>();
        changes.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    public void clear() {
        records.clear();
        changes.clear();
        added = 0;
    }
}
