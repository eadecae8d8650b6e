package thelook.backfill.pace;

import java.util.Locale;
import thelook.backfill.plan.PlannedRecord;

/**
 * How fast a backfill produces: {@code --speed max} (as fast as Kafka takes it), {@code --speed 3600x}
 * (event time runs 3600 times faster than the clock: an hour of history a second) and {@code --rate N/s}
 * (at most N records a second); with both, the slower one rules. Rows without an event time (products,
 * distribution centers) are not held back by the speed. The clock is a parameter so that tests check
 * pacing on simulated time, never on the wall clock.
 */
public final class Pacer {
    /** The time source and the sleep; {@link #SYSTEM} outside tests. */
    public interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    /** Sleeps shorter than this are saved up: sleeping per record would cost more than it paces. */
    private static final long MIN_SLEEP_NANOS = 2_000_000;

    private final double speed;  // event-time seconds per wall second; 0: no limit
    private final double rate;   // records per wall second; 0: no limit
    private final Clock clock;
    private long startNanos = -1;
    private long anchorTime = PlannedRecord.NO_TIME;
    private long anchorNanos;
    private long count;

    public Pacer(double speed, double rate, Clock clock) {
        if (speed < 0 || rate < 0 || Double.isNaN(speed) || Double.isNaN(rate)) {
            throw new IllegalArgumentException("speed and rate must be positive");
        }
        this.speed = speed;
        this.rate = rate;
        this.clock = clock;
    }

    public static Pacer unlimited() {
        return new Pacer(0, 0, SYSTEM);
    }

    /**
     * {@code --speed} ({@code max} or {@code <factor>x}) and {@code --rate} ({@code <n>/s}, or null).
     *
     * @throws IllegalArgumentException naming the flag and what it takes
     */
    public static Pacer parse(String speed, String rate, Clock clock) {
        double factor = 0;
        if (speed != null && !speed.equalsIgnoreCase("max")) {
            String s = speed.trim().toLowerCase(Locale.ROOT);
            factor = positive(s.endsWith("x") ? s.substring(0, s.length() - 1) : s, "--speed", speed,
                    "max, or a factor such as 3600x (event time runs 3600 times faster than the clock)");
        }
        double perSecond = 0;
        if (rate != null) {
            String r = rate.trim().toLowerCase(Locale.ROOT);
            perSecond = positive(r.endsWith("/s") ? r.substring(0, r.length() - 2) : r, "--rate", rate,
                    "records per second, such as 5000/s");
        }
        return new Pacer(factor, perSecond, clock);
    }

    private static double positive(String number, String flag, String given, String takes) {
        try {
            double v = Double.parseDouble(number.replace("_", ""));
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " '" + given + "': expected " + takes);
    }

    public boolean unlimitedPace() {
        return speed == 0 && rate == 0;
    }

    /** Waits until the record with event time {@code time} (or {@link PlannedRecord#NO_TIME}) may be produced. */
    public void await(long time) throws InterruptedException {
        if (unlimitedPace()) {
            return;
        }
        long now = clock.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long due = startNanos;
        if (rate > 0) {
            due = Math.max(due, startNanos + (long) (count / rate * 1e9));
        }
        count++;
        if (speed > 0 && time != PlannedRecord.NO_TIME) {
            if (anchorTime == PlannedRecord.NO_TIME) {
                anchorTime = time;
                anchorNanos = now;
            }
            due = Math.max(due, anchorNanos + (long) ((time - anchorTime) * 1000.0 / speed));
        }
        long wait = due - now;
        if (wait >= MIN_SLEEP_NANOS) {
            clock.sleepNanos(wait);
        }
    }

    public String describe() {
        if (unlimitedPace()) {
            return "as fast as Kafka takes it";
        }
        String s = speed > 0 ? String.format(Locale.ROOT, "event time at %sx", trim(speed)) : "";
        String r = rate > 0 ? String.format(Locale.ROOT, "at most %s records/s", trim(rate)) : "";
        return s.isEmpty() ? r : r.isEmpty() ? s : s + ", " + r;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
