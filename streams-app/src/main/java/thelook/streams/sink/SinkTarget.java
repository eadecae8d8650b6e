package thelook.streams.sink;

import java.util.List;

/**
 * Where a sink writes: a warehouse holding the three tables. {@link #write} returns only when the target
 * has durably accepted the batch (the sink commits Kafka offsets after it), retrying what is transient
 * itself; it throws {@link SinkException} for what will not heal (permissions, a missing dataset).
 */
public interface SinkTarget extends AutoCloseable {
    /** A short name for metrics and messages: {@code duckdb}, {@code bigquery}. */
    String name();

    /** Where, for the start-up line: a path or a dataset. */
    String describe();

    /** Creates the tables that are missing; checks the ones that exist. */
    void open();

    /**
     * Applies the batch: upserts and deletes, each key's last version only. Rows the target refused for
     * what they hold (not for an outage) are returned, each with the reason, for the dead-letter topic.
     */
    List<Rejected> write(SinkBatch batch);

    /**
     * Work that may follow the writes, such as columns derived from a whole table: called after a batch's rows
     * are counted as written and its offsets committed, so it adds nothing to their latency.
     */
    default void maintain() {
    }

    /** A change the target would not take, and why. */
    record Rejected(MartChange change, String reason) {}

    @Override
    void close();
}
