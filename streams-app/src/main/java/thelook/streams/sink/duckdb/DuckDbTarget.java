package thelook.streams.sink.duckdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import thelook.streams.sink.MartChange;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.RowKey;
import thelook.streams.sink.SinkBatch;
import thelook.streams.sink.SinkException;
import thelook.streams.sink.SinkTarget;

/**
 * The three tables in a local DuckDB file. A batch is one transaction: each table loses the rows of the
 * keys the batch names ({@code DELETE ... USING} a list of them), the batch's upserts are appended to it
 * (DuckDB's appender, far faster than row-by-row inserts), and the transaction commits. The file therefore
 * always holds the marts as they were at some moment, and a replayed batch leaves the same tables.
 *
 * <p>The tables have no PRIMARY KEY constraint: one row per key holds by construction, and DuckDB's
 * index made the same upserts 8 to 10 times slower ({@code INSERT OR REPLACE} into an indexed table:
 * 42-47K rows/s; delete and insert without the index: 330-440K rows/s, docs/benchmarks.md).
 *
 * <p>DuckDB lets one process open a file for writing and no other process open it meanwhile, so readers
 * get {@link ParquetSnapshots} written next to it; a reader in this process may use {@link #connection()}.
 */
public final class DuckDbTarget implements SinkTarget {
    /** The write-ahead log a restart after a crash may have to replay: 192 MB took 2.2 s (docs/operations.md). */
    static final String CHECKPOINT_THRESHOLD = "256MB";
    private final Path file;
    private final ParquetSnapshots snapshots;
    private DuckDBConnection connection;
    private final Map<MartTable, PreparedStatement> deleteKeys = new EnumMap<>(MartTable.class);
    private final RfmScores scores = new RfmScores();

    /**
     * @param snapshotEvery how often to export the tables as Parquet next to the file when they changed; null for never
     */
    public DuckDbTarget(Path file, Duration snapshotEvery) {
        this.file = file.toAbsolutePath();
        this.snapshots = snapshotEvery == null ? null : new ParquetSnapshots(ParquetSnapshots.directoryFor(this.file), snapshotEvery);
    }

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public String describe() {
        return file + (snapshots != null ? " (Parquet snapshots in " + snapshots.directory() + " every "
                + snapshots.every().toSeconds() + " s)" : "");
    }

    @Override
    public void open() {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        } catch (Exception e) {
            throw new SinkException("cannot open the DuckDB file " + file + ": " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("lock") ? " (another process has it open: stop it, or read the"
                    + " Parquet snapshots instead)" : ""), e);
        }
        try (Statement st = connection.createStatement()) {
            // one thread: a batch is small work, and DuckDB's threads would take cores from the topology beside it
            st.execute("SET threads = 1");
            // DuckDB checkpoints (rewrites the changed tables into the file) in the commit that takes its write-ahead log past
            // this; at its default of 16 MB a replay's sink did so every few batches (commits p99 283 ms, max 694; at 256 MB 86 / 308)
            st.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
            for (MartTable t : MartTable.values()) {
                st.execute(createTable(t));
                requireColumns(t);
                deleteKeys.put(t, connection.prepareStatement(deleteKeysSql(t)));
            }
        } catch (SQLException e) {
            throw new SinkException("cannot prepare the tables in " + file + ": " + e.getMessage(), e);
        }
        if (snapshots != null) {
            snapshots.start(connection);
        }
    }

    static String createTable(MartTable t) {
        String columns = t.columns().stream()
                .map(c -> c.name() + " " + c.type().duckDb() + (c.nullable() ? "" : " NOT NULL"))
                .collect(Collectors.joining(", "));
        if (t == MartTable.DIM_CUSTOMER_METRICS) {
            columns += ", " + RfmScores.COLUMNS;
        }
        return "CREATE TABLE IF NOT EXISTS " + t.tableName() + " (" + columns + ")";
    }

    /** A table someone made with other columns would take rows in the wrong places: refuse it, naming the difference. */
    private void requireColumns(MartTable t) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = 'main'"
                     + " AND table_name = '" + t.tableName() + "' ORDER BY ordinal_position")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        List<String> expected = new ArrayList<>(t.columns().stream().map(MartTable.Column::name).toList());
        if (t == MartTable.DIM_CUSTOMER_METRICS) {
            expected.addAll(RfmScores.NAMES);
        }
        if (!found.equals(expected)) {
            throw new SinkException("the table " + t.tableName() + " in " + file + " has the columns " + found + ", not " + expected
                    + ": drop it or choose another file");
        }
    }

    /**
     * The statement that removes the rows of the keys a batch names, upserted or deleted, before its upserts are
     * appended: the keys bound as one list per key column. Against appending them to a temporary table, joining it and emptying it,
     * 5-6 ms instead of 6-16 ms per 2,000 keys into a 100,000-row table (three statements fewer).
     *
     * <p>Each list is bound as text ({@code [3,1,2]}) that DuckDB casts to {@code BIGINT[]}: a JDBC array of the same keys
     * (boxed, each turned into a DuckDB value of its own) took 4.4-4.8 ms to bind for 3,000 keys, about half of such a delete
     * (into 100,000 customers: 8.5-11 ms as an array, 5.7-8.9 ms as text); in a replay's sink the deletes cost about 15% less
     * CPU (docs/benchmarks.md, "fourth round").
     */
    static String deleteKeysSql(MartTable t) {
        String name = t.tableName();
        String keys = t.keyColumns().stream().map(k -> "unnest(?::VARCHAR::BIGINT[]) AS " + k).collect(Collectors.joining(", "));
        String on = t.keyColumns().stream().map(k -> name + "." + k + " = d." + k).collect(Collectors.joining(" AND "));
        return "DELETE FROM " + name + " USING (SELECT " + keys + ") d WHERE " + on;
    }

    @Override
    public List<Rejected> write(SinkBatch batch) {
        inTransaction("write to", st -> {
            for (MartTable t : MartTable.values()) {
                if (!batch.changes(t).isEmpty()) {
                    apply(t, batch);
                }
            }
            if (!batch.changes(MartTable.DIM_CUSTOMER_METRICS).isEmpty()) {
                scores.changed();
            }
            return null;
        });
        if (snapshots != null) {
            snapshots.changed();
        }
        return List.of();
    }

    /**
     * Rescores the customers when due, in a transaction of its own: in the batch's it delayed that batch's rows by
     * the rescoring (100 ms alone, 300-400 ms beside a replay), and readers lose nothing, as scores were up to
     * {@link RfmScores#EVERY_NANOS} old already.
     */
    @Override
    public void maintain() {
        if (scores.due() && inTransaction("rescore the customers in", scores::rescoreIfPending) && snapshots != null) {
            snapshots.changed();
        }
    }

    private interface SqlWork<T> {
        T run(Statement st) throws SQLException;
    }

    /** One transaction on the writer's connection: committed whole, or rolled back and reported as a {@link SinkException}. */
    private <T> T inTransaction(String what, SqlWork<T> work) {
        try {
            synchronized (connection) { // one transaction at a time on it: close, and readers of connection(), take the lock too
                connection.setAutoCommit(false);
                try (Statement st = connection.createStatement()) {
                    T result = work.run(st);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new SinkException("cannot " + what + " the DuckDB file " + file + ": " + e.getMessage(), e);
        }
    }

    private void apply(MartTable t, SinkBatch batch) throws SQLException {
        Collection<MartChange> changes = batch.changes(t);
        PreparedStatement delete = deleteKeys.get(t);
        delete.setString(1, keyList(changes, RowKey::first));
        if (t.keyColumns().size() > 1) {
            delete.setString(2, keyList(changes, RowKey::second));
        }
        delete.execute();
        // straight into the table: the appender writes in the connection's open transaction (tested), so no staging copy
        try (DuckDBAppender rows = connection.createAppender("main", t.tableName())) {
            for (MartChange c : changes) {
                if (!c.isDelete()) {
                    appendRow(rows, t, c.row());
                }
            }
        }
    }

    /** One key column of the changes as DuckDB's text form of a list, {@code [3,1,2]} ({@link #deleteKeysSql}). */
    private static String keyList(Collection<MartChange> changes, ToLongFunction<RowKey> column) {
        StringBuilder out = new StringBuilder(changes.size() * 8).append('[');
        for (MartChange c : changes) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(column.applyAsLong(c.key()));
        }
        return out.append(']').toString();
    }

    private static void appendRow(DuckDBAppender a, MartTable t, SpecificRecord row) throws SQLException {
        a.beginRow();
        for (MartTable.Column c : t.columns()) {
            Object v = c.valueOf(row);
            if (v == null) {
                a.appendNull();
                continue;
            }
            switch (c.type()) {
                case INT64 -> a.append(((Number) v).longValue());
                case FLOAT64 -> a.append(((Number) v).doubleValue());
                case TIMESTAMP -> a.appendEpochMicros(MartTable.timestampMicros(v));
                case STRING -> a.append(v.toString());
            }
        }
        if (t == MartTable.DIM_CUSTOMER_METRICS) {
            for (int i = 0; i < RfmScores.NAMES.size(); i++) {
                a.appendNull(); // scored by the next rescoring, within RfmScores.EVERY_NANOS
            }
        }
        a.endRow();
    }

    /** The writer's connection, for reading in this process (queries must not run during a write: use it from one thread). */
    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                inTransaction("rescore the customers in", scores::rescoreIfPending); // before the last snapshot
            } catch (SinkException e) {
                // the rows are committed; their scores are at most one rescoring old
            }
        }
        if (snapshots != null) {
            snapshots.close();
        }
        if (connection != null) {
            try {
                synchronized (connection) {
                    for (PreparedStatement p : deleteKeys.values()) {
                        p.close();
                    }
                    connection.close();
                }
            } catch (SQLException ignored) {
                // closing: nothing left to lose, the last batch committed
            }
        }
    }
}
