package thelook.streams.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;
import thelook.streams.app.SinkOptions;
import thelook.streams.sink.MartSink;
import thelook.streams.sink.bigquery.BigQuerySettings;

/** The sink options that {@code sink}, {@code run} and {@code replay} share. */
final class SinkCliOptions {
    @Option(names = "--duckdb", paramLabel = "FILE", description = "Keep the three marts as tables in this DuckDB file"
            + " (created if absent), with Parquet snapshots beside it for readers (docs/operations.md, reading the marts).")
    Path duckdb;

    @Option(names = "--parquet-every-s", defaultValue = "5", paramLabel = "SECONDS", description = "How often the DuckDB"
            + " sink exports the tables as Parquet into <file name>-parquet/ when they changed; 0 for never (default: ${DEFAULT-VALUE}).")
    long parquetEverySeconds;

    @Option(names = "--bigquery", paramLabel = "PROJECT.DATASET", description = "Keep the three marts as tables in this"
            + " BigQuery dataset (it must exist; the tables are created) through the Storage Write API with change data capture"
            + " (docs/bigquery.md).")
    String bigquery;

    @Option(names = "--bigquery-credentials", paramLabel = "FILE", description = "A service account key file; default:"
            + " Application Default Credentials. Never printed.")
    Path bigqueryCredentials;

    @Option(names = "--bigquery-max-staleness-s", defaultValue = "60", paramLabel = "SECONDS", description = "max_staleness"
            + " of the tables the sink creates: queries may see the CDC changes up to this old, and BigQuery merges them in the"
            + " background instead of at every query (default: ${DEFAULT-VALUE}; 0: always merge at query time).")
    long bigqueryMaxStalenessSeconds;

    @Option(names = "--bigquery-api-endpoint", paramLabel = "URL", description = "Another BigQuery REST"
            + " endpoint (private access, tests); http://host:port means plaintext without credentials.")
    String bigqueryApiEndpoint;

    @Option(names = "--bigquery-write-endpoint", paramLabel = "HOST:PORT", description = "Another Storage Write API"
            + " endpoint; http://host:port means plaintext gRPC without credentials.")
    String bigqueryWriteEndpoint;

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
        if (bigquery == null && (bigqueryCredentials != null || bigqueryApiEndpoint != null || bigqueryWriteEndpoint != null)) {
            throw new IllegalArgumentException("the --bigquery-* options need --bigquery PROJECT.DATASET");
        }
        BigQuerySettings bq = bigquery == null ? null : BigQuerySettings.parse(bigquery, bigqueryCredentials,
                Duration.ofSeconds(bigqueryMaxStalenessSeconds), bigqueryApiEndpoint, bigqueryWriteEndpoint);
        return new SinkOptions(duckdb, parquetEverySeconds == 0 ? null : Duration.ofSeconds(parquetEverySeconds), bq, batchRows,
                Duration.ofMillis(flushMs));
    }
}
