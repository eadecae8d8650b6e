package thelook.streams.sink;

import org.apache.avro.specific.SpecificRecord;

/**
 * One version of a mart row read from its topic: an upsert of {@code row}, or a delete when the record
 * was a tombstone ({@code row} null). {@code appendedAt} is the record's timestamp (epoch ms); the mart
 * topics use the broker's append time, so it says when the change reached the topic. The raw bytes go
 * to the dead-letter topic, unchanged, should the target refuse the row.
 */
public record MartChange(MartTable table, RowKey key, SpecificRecord row, String topic, int partition, long offset, long appendedAt,
                         boolean appendTime, byte[] rawKey, byte[] rawValue) {
    public boolean isDelete() {
        return row == null;
    }

    /** Where it came from, for messages and dead letters. */
    public String origin() {
        return topic + "-" + partition + "@" + offset;
    }
}
