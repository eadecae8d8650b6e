package thelook.backfill.plan;

import thelook.schemas.TheLookTable;

/**
 * One version of one row, ready for its topic: {@code time} is its event time in epoch micros
 * ({@link #NO_TIME} for rows with no time of their own), {@code seq} the order it was read in, which
 * breaks ties so that a row's own versions keep their order.
 */
public record PlannedRecord(long time, long seq, TheLookTable table, long key, byte[] value) {
    public static final long NO_TIME = Long.MIN_VALUE;

    public int compareByTime(PlannedRecord other) {
        int c = Long.compare(time, other.time);
        return c != 0 ? c : Long.compare(seq, other.seq);
    }
}
