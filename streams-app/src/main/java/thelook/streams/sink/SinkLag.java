package thelook.streams.sink;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the tables are behind the mart topics. Records: the topics' end offsets (last stable offsets,
 * so uncommitted transactions do not count) minus the offsets whose rows the target has accepted.
 * Seconds: the age of the oldest change read but not yet written (its broker append time), when the
 * sink holds one; otherwise, for each partition that is behind, the time of the last reading whose end
 * offset the target has reached by now, the oldest of them. Either way every change that reached the
 * topics before that moment is in the tables.
 *
 * <p>The readings are compared with what is written <em>now</em>: comparing each with what was written at
 * its own time ("last seen caught up") reported 6 to 14 s during a replay whose changes were written within
 * 0.5 s, because under steady writes no reading ever falls at a moment with nothing pending.
 */
public final class SinkLag {
    /** Readings kept per partition while they may still become the answer; past this, every other one is dropped. */
    static final int MAX_READINGS = 1_024;

    /** A reading: records behind, and seconds (0 when caught up). */
    public record Reading(long records, double seconds) {
        public static final Reading UNKNOWN = new Reading(-1, -1);

        public boolean caughtUp() {
            return records == 0;
        }
    }

    /** Per partition, (epoch ms, end offset) of readings, oldest first; the first is the newest one known written. */
    private final Map<TopicPartition, ArrayDeque<long[]>> readings = new HashMap<>();

    /** A reading from the end offsets just fetched and the offsets written; {@code now} in epoch ms. */
    Reading update(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> written, long now) {
        return update(endOffsets, written, -1, now);
    }

    /** The same, knowing the append time of the oldest change read and not yet written (-1: none held). */
    Reading update(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> written, long oldestUnwrittenAt, long now) {
        long records = 0;
        long oldest = now;
        for (var e : endOffsets.entrySet()) {
            long end = e.getValue();
            long at = written.getOrDefault(e.getKey(), 0L);
            records += Math.max(0, end - at);
            ArrayDeque<long[]> seen = readings.computeIfAbsent(e.getKey(), tp -> new ArrayDeque<>());
            record(seen, now, end);
            // the newest reading whose end is written stays first: everything on the partition at its time is in the tables
            while (seen.size() > 1 && second(seen)[1] <= at) {
                seen.removeFirst();
            }
            if (end > at) {
                oldest = Math.min(oldest, seen.peekFirst()[0]); // never seen written: counts from its first reading
            }
        }
        readings.keySet().retainAll(endOffsets.keySet());
        if (records > 0 && oldestUnwrittenAt >= 0) {
            oldest = Math.min(now, oldestUnwrittenAt);
        }
        return new Reading(records, records == 0 ? 0 : (now - oldest) / 1000.0);
    }

    private static void record(ArrayDeque<long[]> seen, long now, long end) {
        long[] last = seen.peekLast();
        if (last != null && last[1] == end) {
            last[0] = now; // nothing new since: the later time is the better answer once this end is written
            return;
        }
        seen.addLast(new long[] {now, end});
        if (seen.size() > MAX_READINGS) { // a sink stuck for a long time: keep the first, thin out the rest
            boolean drop = false; // the first stays: it is the answer until a later one is written
            for (var it = seen.iterator(); it.hasNext(); drop = !drop) {
                it.next();
                if (drop) {
                    it.remove();
                }
            }
        }
    }

    private static long[] second(ArrayDeque<long[]> seen) {
        var it = seen.iterator();
        it.next();
        return it.next();
    }
}
