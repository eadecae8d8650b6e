package thelook.backfill.plan;

import java.time.Instant;

/**
 * The event times a plan keeps: {@code [from, until)} in epoch micros. Rows without a time of their
 * own (products, distribution centers: {@link PlannedRecord#NO_TIME}) come before every time, so a
 * window with a start leaves them out. Two backfills {@code --until T} and {@code --since T} together
 * therefore produce exactly the records of one without a window.
 */
public record EventWindow(long from, long until) {
    public static final EventWindow ALL = new EventWindow(Long.MIN_VALUE, Long.MAX_VALUE);

    public EventWindow {
        if (from != Long.MIN_VALUE && until != Long.MAX_VALUE && from >= until) {
            throw new IllegalArgumentException("the event-time window is empty: --since " + instant(from) + " is not before --until "
                    + instant(until));
        }
    }

    public static EventWindow of(Instant since, Instant until) {
        return new EventWindow(since == null ? Long.MIN_VALUE : micros(since), until == null ? Long.MAX_VALUE : micros(until));
    }

    public boolean contains(long time) {
        return time >= from && time < until;
    }

    public boolean hasStart() {
        return from != Long.MIN_VALUE;
    }

    public boolean hasEnd() {
        return until != Long.MAX_VALUE;
    }

    /** This window without the times before {@code watermark} (where a resumed backfill starts again). */
    public EventWindow startingAt(long watermark) {
        return watermark <= from ? this : new EventWindow(watermark, until);
    }

    public static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
