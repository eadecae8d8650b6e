package thelook.streams.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Multiplicities kept as keyed state: how many live rows contribute each key. A key at zero is deleted,
 * so the present keys of a group are exactly its distinct values, and the first or last key of a
 * (group, time) range is the group's MIN or MAX even after retractions.
 */
public final class Counts {
    private final KeyValueStore<Bytes, Long> store;

    public Counts(KeyValueStore<Bytes, Long> store) {
        this.store = store;
    }

    /** Adds {@code delta} and returns 1 when the key became present, -1 when it vanished, else 0. */
    public int add(Bytes key, long delta) {
        Long before = store.get(key);
        long b = before == null ? 0 : before;
        long after = b + delta;
        if (after == 0) {
            store.delete(key);
        } else {
            store.put(key, after);
        }
        return presenceChange(b, after);
    }

    public static int presenceChange(long before, long after) {
        return (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
    }

    /** Last long of the greatest present key in [from, to], or null. */
    public Long lastIn(Bytes from, Bytes to, int timeIndex) {
        try (KeyValueIterator<Bytes, Long> it = store.reverseRange(from, to)) {
            return firstPositive(it, timeIndex);
        }
    }

    /** Last long of the smallest present key in [from, to], or null. */
    public Long firstIn(Bytes from, Bytes to, int timeIndex) {
        try (KeyValueIterator<Bytes, Long> it = store.range(from, to)) {
            return firstPositive(it, timeIndex);
        }
    }

    private static Long firstPositive(KeyValueIterator<Bytes, Long> it, int timeIndex) {
        while (it.hasNext()) {
            var kv = it.next();
            if (kv.value != null && kv.value > 0) {
                return KeyBytes.longAt(kv.key, timeIndex);
            }
        }
        return null;
    }
}
