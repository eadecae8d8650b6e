package thelook.streams.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes read since the last write, keeping only the last version of each key: a warehouse needs
 * the final state of a key, and BigQuery keeps the first, not the last, of several rows with one key in
 * a request. Arrival order within a partition is the topic's order, so "last" is the newest version.
 */
public final class SinkBatch {
    private final Map<MartTable, LinkedHashMap<RowKey, MartChange>> changes = new EnumMap<>(MartTable.class);
    private long records;
    private long firstAddedNanos;

    public void add(MartChange change) {
        if (records == 0) {
            firstAddedNanos = System.nanoTime();
        }
        records++;
        changes.computeIfAbsent(change.table(), t -> new LinkedHashMap<>()).put(change.key(), change);
    }

    /** Records added, counting superseded versions. */
    public long records() {
        return records;
    }

    /** Distinct keys, the rows a write carries. */
    public int rows() {
        return changes.values().stream().mapToInt(Map::size).sum();
    }

    public boolean isEmpty() {
        return records == 0;
    }

    public long ageNanos() {
        return records == 0 ? 0 : System.nanoTime() - firstAddedNanos;
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
        changes.clear();
        records = 0;
    }
}
