package thelook.streams.sink.duckdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.streams.sink.MartTable;

/**
 * How other processes read the marts while the sink holds the DuckDB file (DuckDB allows one process
 * per file): every few seconds, when a batch changed the tables, each table is exported as
 * {@code <table>.parquet} into a directory next to the file. The three exports run in one read
 * transaction of a second connection (so they show one moment and never wait for, or block, the
 * writer), each to a temporary name first and then moved into place: a reader never sees half a file.
 * {@code _snapshot.json} says when the last set was taken. An export costs the size of the marts, not
 * of the change, so exports take at most a tenth of the time: on a busy machine with big marts they
 * come less often than asked.
 */
final class ParquetSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetSnapshots.class);

    private final Path directory;
    private final Duration every;
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "duckdb-parquet-snapshots");
        t.setDaemon(true);
        return t;
    });
    private Connection reader;
    private volatile long notBefore;

    ParquetSnapshots(Path directory, Duration every) {
        this.directory = directory;
        this.every = every;
    }

    /** {@code marts.duckdb} -> {@code marts-parquet/} beside it. */
    static Path directoryFor(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-parquet");
    }

    Path directory() {
        return directory;
    }

    Duration every() {
        return every;
    }

    void start(DuckDBConnection writer) {
        try {
            Files.createDirectories(directory);
            reader = writer.duplicate();
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot prepare the Parquet snapshots in " + directory + ": " + e.getMessage(), e);
        }
        scheduler.scheduleWithFixedDelay(this::takeIfChanged, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void changed() {
        changed.set(true);
    }

    private void takeIfChanged() {
        if (System.nanoTime() < notBefore) {
            return;
        }
        if (changed.getAndSet(false)) {
            try {
                long started = System.nanoTime();
                take();
                // at most a tenth of the time exporting: a big mart on a busy machine is exported less often
                notBefore = System.nanoTime() + 9 * (System.nanoTime() - started);
            } catch (Exception e) {
                changed.set(true); // try again next time; the DuckDB file itself is unaffected
                LOG.warn("could not write the Parquet snapshots in {}: {}", directory, e.getMessage());
            }
        }
    }

    /** One consistent export of the three tables. */
    synchronized void take() throws SQLException, IOException {
        Instant at = Instant.now();
        try (Statement st = reader.createStatement()) {
            st.execute("BEGIN TRANSACTION");
            try {
                for (MartTable t : MartTable.values()) {
                    Path temp = directory.resolve("." + t.tableName() + ".parquet.tmp");
                    st.execute("COPY " + t.tableName() + " TO '" + temp.toString().replace("'", "''") + "' (FORMAT parquet)");
                }
            } finally {
                st.execute("COMMIT");
            }
        }
        for (MartTable t : MartTable.values()) {
            Files.move(directory.resolve("." + t.tableName() + ".parquet.tmp"), directory.resolve(t.tableName() + ".parquet"),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Path temp = directory.resolve("._snapshot.json.tmp");
        Files.writeString(temp, "{\"taken_at\": \"" + at + "\"}\n", StandardCharsets.UTF_8);
        Files.move(temp, directory.resolve("_snapshot.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Stops the schedule and takes a last set if the tables changed since the previous one. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
            notBefore = 0;
            takeIfChanged();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (reader != null) {
                    reader.close();
                }
            } catch (SQLException ignored) {
                // closing
            }
        }
    }
}
