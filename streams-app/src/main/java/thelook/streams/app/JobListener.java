package thelook.streams.app;

import thelook.backfill.plan.ReplayPlan;

/** What a replay, a backfill or the service reports while it works: phases, progress, plain lines. */
public interface JobListener {
    default void planned(ReplayPlan plan) {}

    /** A new phase; {@code total} records to go through, or -1 when not counted. */
    default void phase(String name, long total) {}

    default void progress(long done) {}

    default void info(String message) {}

    /** A short state shown beside the progress (for instance the sink's lag), replaced by the next one. */
    default void status(String text) {}
}
