package thelook.streams.ingest;

import java.time.Instant;
import thelook.backfill.generate.LiveActivity;
import thelook.backfill.pace.Pacer;

/**
 * Live theLook activity ({@link LiveActivity}: sessions, sign-ups, orders and their later steps, stamped now) at a
 * steady rate, handed row by row to where it goes: a Pub/Sub topic ({@code publish}, the demo with the emulator) or
 * the input topics directly (the demo without it).
 */
public final class LiveLoad {
    /** Where the rows go. */
    @FunctionalInterface
    public interface Rows {
        void accept(LiveActivity.LiveRow row) throws Exception;
    }

    private final LiveActivity activity;
    private final Pacer pacer;
    private final Rows rows;
    private volatile boolean stopped;
    private volatile long handed;

    public LiveLoad(LiveActivity activity, Pacer pacer, Rows rows) {
        this.activity = activity;
        this.pacer = pacer;
        this.rows = rows;
    }

    /**
     * Hands rows over until {@link #stop()}, an interrupt or {@code limit} rows (null: no limit), calling
     * {@code every10s} every ten seconds; returns the rows handed over.
     */
    public long run(Long limit, Runnable every10s) throws Exception {
        long lastLine = System.nanoTime();
        while (!stopped) {
            for (LiveActivity.LiveRow row : activity.next(Instant.now())) {
                if (stopped || limit != null && handed >= limit) {
                    return handed;
                }
                try {
                    pacer.await(0);
                } catch (InterruptedException e) {
                    return handed;
                }
                rows.accept(row);
                handed++;
            }
            if (every10s != null && System.nanoTime() - lastLine > 10e9) {
                lastLine = System.nanoTime();
                every10s.run();
            }
        }
        return handed;
    }

    public long handed() {
        return handed;
    }

    public void stop() {
        stopped = true;
    }
}
