package thelook.streams.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import thelook.streams.app.SinkOptions;
import thelook.streams.sink.MartSink;

/** The sink options that {@code sink}, {@code run} and {@code replay} share. */
final class SinkCliOptions {
    @Option(names = "--duckdb", paramLabel = "FILE", description = "Keep the three marts as tables in this DuckDB file"
            + " (created if absent), with Parquet snapshots beside it for readers (docs/operations.md, reading the marts).")
    Path duckdb;

    @Option(names = "--parquet-every-s", defaultValue = "5", paramLabel = "SECONDS", description = "How often the DuckDB"
            + " sink exports the tables as Parquet into <file name>-parquet/ when they changed; 0 for never (default: ${DEFAULT-VALUE}).")
    long parquetEverySeconds;

    @Option(names = "--sink-batch-rows", defaultValue = "" + MartSink.Settings.DEFAULT_MAX_BATCH_ROWS, paramLabel = "N",
            description = "A sink writes once it has read this many mart records (default: ${DEFAULT-VALUE}).")
    int batchRows;

    @Option(names = "--sink-flush-ms", defaultValue = "1000", paramLabel = "MS", description = "A sink writes what it"
            + " has read at the latest this long after the first record of the batch arrived, and at once when the topics have"
            + " nothing more (default: ${DEFAULT-VALUE}).")
    long flushMs;

    SinkOptions options() {
        if (parquetEverySeconds < 0) {
            throw new IllegalArgumentException("--parquet-every-s must be 0 (never) or more, not " + parquetEverySeconds);
        }
        return new SinkOptions(duckdb, parquetEverySeconds == 0 ? null : Duration.ofSeconds(parquetEverySeconds), batchRows,
                Duration.ofMillis(flushMs));
    }
}
