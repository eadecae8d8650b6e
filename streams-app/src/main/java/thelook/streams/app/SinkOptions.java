package thelook.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import thelook.streams.sink.MartSink;
import thelook.streams.sink.SinkTarget;
import thelook.streams.sink.bigquery.BigQuerySettings;
import thelook.streams.sink.bigquery.BigQueryTarget;
import thelook.streams.sink.duckdb.DuckDbTarget;

/**
 * Which warehouses the marts are synced to, and how: {@code --duckdb PATH}, {@code --bigquery PROJECT.DATASET}
 * (with its settings), batch size and flush interval.
 */
public record SinkOptions(Path duckdb, Duration parquetEvery, BigQuerySettings bigquery, int maxBatchRows, Duration flushInterval) {
    public static final Duration DEFAULT_PARQUET_EVERY = Duration.ofSeconds(5);

    public static SinkOptions none() {
        return new SinkOptions(null, DEFAULT_PARQUET_EVERY, null, MartSink.Settings.DEFAULT_MAX_BATCH_ROWS, MartSink.Settings.DEFAULT_FLUSH_INTERVAL);
    }

    public SinkOptions {
        if (maxBatchRows < 1) {
            throw new IllegalArgumentException("--sink-batch-rows must be at least 1, not " + maxBatchRows);
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("--sink-flush-ms must be at least 1, not " + flushInterval.toMillis());
        }
    }

    /** DuckDB only. */
    public SinkOptions(Path duckdb, Duration parquetEvery, int maxBatchRows, Duration flushInterval) {
        this(duckdb, parquetEvery, null, maxBatchRows, flushInterval);
    }

    /** BigQuery only. */
    public static SinkOptions bigquery(BigQuerySettings bigquery, int maxBatchRows, Duration flushInterval) {
        return new SinkOptions(null, null, bigquery, maxBatchRows, flushInterval);
    }

    public SinkOptions withDuckdb(Path file) {
        return new SinkOptions(file, parquetEvery, bigquery, maxBatchRows, flushInterval);
    }

    public boolean any() {
        return duckdb != null || bigquery != null;
    }

    /** A new target per warehouse named, not yet opened. */
    public List<SinkTarget> targets() {
        List<SinkTarget> out = new ArrayList<>();
        if (duckdb != null) {
            out.add(new DuckDbTarget(duckdb, parquetEvery));
        }
        if (bigquery != null) {
            out.add(new BigQueryTarget(bigquery));
        }
        return out;
    }
}
