package thelook.streams.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import thelook.streams.app.MartsService;
import thelook.streams.app.SinkOptions;
import thelook.streams.app.SourceSpec;
import thelook.streams.app.StreamsSettings;
import thelook.streams.serving.ApiServer;
import thelook.streams.topology.StoreKind;

/** {@code run}: keep the marts live on Kafka until stopped; a restart resumes where it stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Keep the three marts live: read the input topics (from a backfill, a live bridge or any producer),"
                + " update the marts' stores and topics, and keep running until SIGTERM or Ctrl-C.",
            "A restart with the same --application-id and --state-dir resumes from the committed offsets and local state."
                + " The marts are defined in docs/marts.md."})
class RunCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--application-id", defaultValue = "thelook-streams",
            description = "Kafka Streams application id: consumer group, internal topic names (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir",
            description = "Local state (Kafka Streams stores; with the embedded broker also its data and schemas). Keep it"
                    + " across restarts (default: ./state for run, ./demo-state for demo).")
    Path stateDir;

    @Option(names = "--state-store", defaultValue = "rocksdb",
            description = "rocksdb (default: on disk, for state that grows without bound) or memory (faster; restored from"
                    + " the changelogs at every start).")
    String stateStore;

    @Option(names = "--threads", defaultValue = "2", description = "Kafka Streams threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--standby-replicas", defaultValue = "0",
            description = "Warm copies of each task's state on other instances (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--partitions", description = "Partitions of the topics run creates; default: the existing topics' count,"
            + " else 2. Topics whose counts differ are refused.")
    Integer partitions;

    @Option(names = "--commit-interval-ms", defaultValue = "" + StreamsSettings.DEFAULT_COMMIT_INTERVAL_MS,
            description = "Exactly-once commit interval: how soon results are visible downstream (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--embedded-kafka-port", defaultValue = "9092",
            description = "Port of the embedded broker when no --bootstrap-servers is given (default: ${DEFAULT-VALUE}).")
    int embeddedKafkaPort;

    @Option(names = "--embedded-registry-port", defaultValue = "8081", description = "Port of the embedded Schema Registry"
            + " (Confluent REST API) when no --schema-registry-url is given (default: ${DEFAULT-VALUE}).")
    int embeddedRegistryPort;

    @Mixin
    SourceCliOptions source = new SourceCliOptions();

    @Option(names = "--on-error", description = "A row of --input/--source that does not fit the schema: fail, or skip (counted,"
            + " and written to the dead-letter topic). Default: fail for files, skip for BigQuery.")
    String onError;

    @Option(names = "--port", defaultValue = "8080", description = "Port of the HTTP API (docs/api.md); 0: any free port;"
            + " -1: no API (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--advertised-url", description = "How other instances reach this one's API (application.server), e.g."
            + " http://marts-1:8080 behind NAT or in containers (default: http://localhost:<port>).")
    String advertisedUrl;

    @Option(names = "--api-token", description = "Require 'Authorization: Bearer <token>' on /api/* (default: the environment"
            + " variable THELOOK_API_TOKEN; none: open). Never printed.")
    String apiToken;

    @Option(names = "--metrics-need-token", description = "Require the API token on /metrics too (default: /metrics is open).")
    boolean metricsNeedToken;

    @Mixin
    SinkCliOptions sink = new SinkCliOptions();

    @Option(names = "--no-sink", description = "With the embedded broker and no sink named, run keeps the marts in"
            + " <state-dir>/marts.duckdb (and Parquet snapshots beside it); this turns that off.")
    boolean noSink;

    @Option(names = "--start-timeout-s", defaultValue = "600",
            description = "Give up when Kafka or the topology (restoring its state) is not up within this time (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    private ApiServer.Settings api() {
        if (port < 0) {
            return null;
        }
        if (port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, or -1 for no API");
        }
        String token = apiToken != null ? apiToken : System.getenv("THELOOK_API_TOKEN");
        if (token != null && token.isBlank()) {
            token = null;
        }
        String host = "localhost";
        int advertisedPort = 0; // the port it listens on
        if (advertisedUrl != null) {
            URI url;
            try {
                url = URI.create(advertisedUrl.contains("://") ? advertisedUrl : "http://" + advertisedUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--advertised-url " + advertisedUrl + " is not a URL: " + e.getMessage());
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("--advertised-url " + advertisedUrl + " has no host");
            }
            host = url.getHost();
            advertisedPort = url.getPort() > 0 ? url.getPort() : 0;
        }
        return new ApiServer.Settings(port, host, advertisedPort, token, metricsNeedToken);
    }

    /** The sinks named; with none named and the embedded broker, the local DuckDB file, unless --no-sink. */
    private SinkOptions sinks() {
        SinkOptions named = sink.options();
        if (named.any() && noSink) {
            throw new IllegalArgumentException("--no-sink and a sink (--duckdb, --bigquery) contradict each other: choose one");
        }
        return !named.any() && !noSink && kafka.bootstrapServers == null ? named.withDuckdb(stateDir().resolve("marts.duckdb")) : named;
    }

    Path stateDir() {
        return stateDir != null ? stateDir : Path.of("state");
    }

    /** What to backfill when neither --source nor --input is given. */
    SourceSpec defaultSource() {
        return null;
    }

    MartsService.Options serviceOptions() {
        StoreKind stores = switch (stateStore.toLowerCase(Locale.ROOT)) {
            case "memory" -> StoreKind.MEMORY;
            case "rocksdb" -> StoreKind.ROCKSDB;
            default -> throw new IllegalArgumentException("--state-store must be rocksdb or memory, not " + stateStore);
        };
        if (threads < 1 || standbyReplicas < 0 || (partitions != null && partitions < 1)) {
            throw new IllegalArgumentException("--threads and --partitions must be at least 1, --standby-replicas at least 0");
        }
        SourceSpec spec = source.spec() != null ? source.spec() : defaultSource();
        String errors = onError != null ? onError : spec != null && spec.kind() == SourceSpec.Kind.BIGQUERY ? "skip" : "fail";
        return new MartsService.Options(kafka.clients(), kafka.registry(), kafka.topicNames(), applicationId, stateDir(),
                stores, threads, standbyReplicas, partitions, commitIntervalMs, embeddedKafkaPort, embeddedRegistryPort, null,
                Cli.onError(errors), Duration.ofSeconds(startTimeoutSeconds), api(), sinks(), spec);
    }

    @Override
    public Integer call() throws Exception {
        MartsService.Options options = serviceOptions();
        try (ConsoleListener listener = new ConsoleListener(System.out)) {
            MartsService service = MartsService.start(options, listener);
            serveUntilSignal(listener, service::stop, service::runUntilStopped, service);
        }
        System.out.println("stopped cleanly");
        return 0;
    }

    /** The serving loop of {@code run} and {@code demo}. */
    interface Serving {
        void runUntilStopped(Duration checkEvery) throws InterruptedException;
    }

    /**
     * Serves until SIGTERM or Ctrl-C, then closes {@code service}. The signals end the serving loop and the main
     * thread closes everything and exits 0 (a shutdown hook could not: the JVM would exit with the signal's status,
     * 143 or 130).
     */
    static void serveUntilSignal(ConsoleListener listener, Runnable stop, Serving serving, AutoCloseable service) throws Exception {
        try {
            Signal.handle(new Signal("TERM"), s -> stop.run());
            Signal.handle(new Signal("INT"), s -> stop.run());
            listener.phase("Running (SIGTERM or Ctrl-C stops)", -1);
            serving.runUntilStopped(Duration.ofSeconds(1));
            listener.info("stopping: writing what the sinks read, closing Kafka Streams (state flushed, offsets committed)");
        } finally {
            service.close();
        }
    }
}
