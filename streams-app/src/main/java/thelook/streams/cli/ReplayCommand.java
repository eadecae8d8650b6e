package thelook.streams.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import thelook.backfill.source.OnError;
import thelook.streams.app.ReplayJob;
import thelook.streams.app.SourceSpec;
import thelook.streams.app.StreamsSettings;
import thelook.streams.topology.StoreKind;

/** {@code replay --input DIR --output DIR}: a theLook CSV snapshot through Kafka and the topology into mart CSVs. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a directory of theLook CSVs through Kafka and Kafka Streams and write the three marts as CSVs.")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    SourceCliOptions source = new SourceCliOptions();

    @Option(names = "--output", description = "Directory for dim_customer_metrics.csv, dim_product_performance.csv,"
            + " fct_cross_sell_candidates.csv (required unless a sink such as --duckdb is given).")
    Path output;

    @Mixin
    SinkCliOptions sink = new SinkCliOptions();

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--state-dir", description = "Where Kafka Streams state (and the embedded broker's data) lives; default: a temp dir removed at exit.")
    Path stateDir;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the topics this replay creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "2", description = "Kafka Streams threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--commit-interval-ms", defaultValue = "" + StreamsSettings.REPLAY_COMMIT_INTERVAL_MS,
            description = "Kafka Streams commit interval; a replay is a batch job, so it favours throughput over freshness (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--state-store", defaultValue = "auto", description = "Where the topology keeps its state: memory"
            + " (faster; the heap holds all of it), rocksdb (on disk under --state-dir), or auto (default: memory when the"
            + " heap is at least three times the size of the CSVs the marts read, else rocksdb; the choice is printed)."
            + " All log every store to a changelog topic.")
    String stateStore;

    @Option(names = "--on-error", defaultValue = "fail", description = "A malformed CSV row: fail (default) or skip (counted and reported).")
    String onError;

    @Option(names = "--allow-dead-letters", description = "Exit 0 even when records went to the dead-letter topic (by"
            + " default that exits 2: the marts then lack those records' effect and differ from the batch marts).")
    boolean allowDeadLetters;

    @Option(names = "--timeout-s", defaultValue = "3600", description = "Give up when processing takes longer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        OnError mode = Cli.onError(onError);
        StoreKind stores = switch (stateStore.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> null;
            case "memory" -> StoreKind.MEMORY;
            case "rocksdb" -> StoreKind.ROCKSDB;
            default -> throw new IllegalArgumentException("--state-store must be auto, memory or rocksdb, not " + stateStore);
        };
        if (partitions < 1 || threads < 1) {
            throw new IllegalArgumentException("--partitions and --threads must be at least 1");
        }
        var sinks = sink.options();
        if (output == null && !sinks.any()) {
            throw new IllegalArgumentException("say where the marts go: --output DIR for CSVs, --duckdb FILE, --bigquery PROJECT.DATASET, or several");
        }
        SourceSpec spec = source.spec();
        if (spec == null) {
            throw new IllegalArgumentException("name what to replay: --input DIR, or --source csv:DIR | generate:users=N,seed=S |"
                    + " bigquery:PROJECT.DATASET");
        }
        var options = new ReplayJob.Options(spec.dir(), output, kafka.clients(), stateDir, kafka.topicPrefix, partitions, threads,
                commitIntervalMs, stores, mode, Duration.ofSeconds(timeoutSeconds), kafka.registry(), sinks, spec);
        ReplayJob.Summary summary;
        try (ConsoleListener listener = new ConsoleListener(System.out)) {
            summary = new ReplayJob(options, listener).run();
        }
        System.out.printf("replayed %,d records in %.1f s (%,.0f records/s)%n", summary.records(), summary.seconds(),
                summary.recordsPerSecond());
        summary.rowsPerMart().forEach((mart, rows) -> System.out.printf("  %-26s %,d rows%n", mart, rows));
        if (summary.skippedRows() > 0) {
            System.out.printf("  %,d malformed input rows were skipped%n", summary.skippedRows());
        }
        summary.sinks().forEach(line -> System.out.println("  sink " + line));
        if (output != null) {
            System.out.println("marts written to " + output.toAbsolutePath());
        }
        if (summary.deadLetters() > 0) {
            System.err.printf("%nDEAD LETTERS: %,d record(s) went to the dead-letter topic %s; the marts lack their"
                    + " effect and differ from the batch marts. Each holds the reason in its headers"
                    + " (docs/operations.md, dead letters).%s%n", summary.deadLetters(), kafka.topicNames().deadLetters(),
                    allowDeadLetters ? "" : " Exit code 2; --allow-dead-letters accepts them.");
            return allowDeadLetters ? 0 : 2;
        }
        return 0;
    }
}
