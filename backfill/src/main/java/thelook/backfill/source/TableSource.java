package thelook.backfill.source;

import java.util.List;
import java.util.Set;
import thelook.schemas.TheLookTable;

/**
 * Where the rows of a replay or a backfill come from: a CSV directory, the generator or BigQuery.
 * The planner ({@link thelook.backfill.plan.ReplayPlan}) turns any of them into the same event-time
 * stream; a source only says which tables it has and reads their current rows.
 */
public interface TableSource extends AutoCloseable {
    /** What to print, e.g. {@code csv:/data/thelook} or {@code bigquery:p.d as of 2026-12-01T10:00:00Z}. */
    String describe();

    /**
     * Equal fingerprints mean the same rows: a backfill resumes only from a checkpoint with the same
     * fingerprint.
     */
    String fingerprint();

    /** The tables to read, those it has among the ones asked for (every required one is there). */
    Set<TheLookTable> tables();

    /** Bytes of the tables, for the replay's choice of state store; 0 when unknown. */
    long inputBytes();

    /** The parts of a table; called once per table, from one thread. */
    List<TableReader> readers(TheLookTable table);

    /** Bytes read from the source so far (BigQuery bills by them); 0 when it does not count them. */
    default long bytesRead() {
        return 0;
    }

    @Override
    default void close() {}
}
