package thelook.streams.sink;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the tables are behind the mart topics. Records: the topics' end offsets (last stable offsets,
 * so uncommitted transactions do not count) minus the offsets whose rows the target has accepted.
 * Seconds: the age of the oldest change read but not yet written (its broker append time), when the
 * sink holds one; otherwise, for the partitions that are behind, how long ago each was last seen caught
 * up, the largest of them. Either way every change that reached the topics before that moment is in
 * the tables.
 */
public final class SinkLag {
    /** A reading: records behind, and seconds (0 when caught up). */
    public record Reading(long records, double seconds) {
        public static final Reading UNKNOWN = new Reading(-1, -1);

        public boolean caughtUp() {
            return records == 0;
        }
    }

    private final Map<TopicPartition, Long> caughtUpAtMillis = new HashMap<>();

    /** A reading from the end offsets just fetched and the offsets written; {@code now} in epoch ms. */
    Reading update(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> written, long now) {
        return update(endOffsets, written, -1, now);
    }

    /** The same, knowing the append time of the oldest change read and not yet written (-1: none held). */
    Reading update(Map<TopicPartition, Long> endOffsets, Map<TopicPartition, Long> written, long oldestUnwrittenAt, long now) {
        long records = 0;
        long oldest = now;
        for (var e : endOffsets.entrySet()) {
            long behind = Math.max(0, e.getValue() - written.getOrDefault(e.getKey(), 0L));
            records += behind;
            if (behind == 0) {
                caughtUpAtMillis.put(e.getKey(), now);
            } else {
                oldest = Math.min(oldest, caughtUpAtMillis.computeIfAbsent(e.getKey(), tp -> now));
            }
        }
        caughtUpAtMillis.keySet().retainAll(endOffsets.keySet());
        if (records > 0 && oldestUnwrittenAt >= 0) {
            oldest = Math.min(now, oldestUnwrittenAt);
        }
        return new Reading(records, records == 0 ? 0 : (now - oldest) / 1000.0);
    }
}
