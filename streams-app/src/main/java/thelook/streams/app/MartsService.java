package thelook.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import thelook.backfill.source.OnError;
import thelook.schemas.TopicSerdes;
import thelook.streams.embedded.EmbeddedRegistry;
import thelook.streams.embedded.PersistentKafka;
import thelook.streams.names.TopicNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import thelook.streams.serving.ApiServer;
import org.apache.kafka.streams.state.HostInfo;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * {@code run}: the marts topology as a long-running service. A stable application id and a persistent
 * state directory make a restart resume from the committed offsets and the local state instead of
 * reprocessing history. Without a cluster it brings its own: a persistent single-node broker on a fixed
 * port and the registry over HTTP, both under the state directory, reachable by other processes.
 */
public final class MartsService implements AutoCloseable {
    /**
     * @param clients        no bootstrap servers = the embedded broker
     * @param partitions     {@code --partitions}, or null: the existing topics' count, else the default
     * @param input          a CSV directory to backfill once the topology runs, or null (short for {@code source} csv:)
     * @param source         what to backfill once the topology runs (a checkpointed {@link BackfillJob}), or null
     * @param api            the HTTP API's settings, or null for none
     */
    public record Options(KafkaClients clients, RegistrySettings registry, TopicNames topics, String applicationId, Path stateDir,
                          StoreKind stores, int threads, int standbyReplicas, Integer partitions, long commitIntervalMs,
                          int embeddedKafkaPort, int embeddedRegistryPort, Path input, OnError onError, Duration startTimeout,
                          ApiServer.Settings api, SinkOptions sinks, SourceSpec source) {
        public Options(KafkaClients clients, RegistrySettings registry, TopicNames topics, String applicationId, Path stateDir,
                       StoreKind stores, int threads, int standbyReplicas, Integer partitions, long commitIntervalMs,
                       int embeddedKafkaPort, int embeddedRegistryPort, Path input, OnError onError, Duration startTimeout,
                       ApiServer.Settings api, SinkOptions sinks) {
            this(clients, registry, topics, applicationId, stateDir, stores, threads, standbyReplicas, partitions, commitIntervalMs,
                    embeddedKafkaPort, embeddedRegistryPort, input, onError, startTimeout, api, sinks, null);
        }

        /** What to backfill: {@code source}, else {@code input} as CSV, else null. */
        public SourceSpec sourceSpec() {
            return source != null ? source : input != null ? SourceSpec.csv(input) : null;
        }

        public Options(KafkaClients clients, RegistrySettings registry, TopicNames topics, String applicationId, Path stateDir,
                       StoreKind stores, int threads, int standbyReplicas, Integer partitions, long commitIntervalMs,
                       int embeddedKafkaPort, int embeddedRegistryPort, Path input, OnError onError, Duration startTimeout,
                       ApiServer.Settings api) {
            this(clients, registry, topics, applicationId, stateDir, stores, threads, standbyReplicas, partitions, commitIntervalMs,
                    embeddedKafkaPort, embeddedRegistryPort, input, onError, startTimeout, api, SinkOptions.none());
        }
    }

    /** How long an external cluster may take to answer the first call before start-up gives up. */
    static final Duration KAFKA_ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Options options;
    private final JobListener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private PersistentKafka kafka;
    private EmbeddedRegistry embeddedRegistry;
    private KafkaClients clients;
    private RegistrySettings registry;
    private Admin admin;
    private MartsApp app;
    private ApiServer api;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile MartSinks sinks;
    private CatchUp catchUp;
    private List<String> inputTopics;

    private MartsService(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** Starts everything, backfills {@code --input} if given, and returns once the topology runs. */
    public static MartsService start(Options options, JobListener listener) {
        MartsService service = new MartsService(options, listener);
        try {
            service.startAll();
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void startAll() {
        clients = options.clients();
        RegistrySettings registry = options.registry();
        boolean embedded = clients.bootstrapServers() == null;
        if (embedded) {
            listener.phase("Starting the embedded Kafka", -1);
            kafka = PersistentKafka.start(options.stateDir().resolve("kafka"), options.embeddedKafkaPort(), options.startTimeout());
            clients = clients.withBootstrap(kafka.bootstrapServers());
            if (registry.url() == null) {
                embeddedRegistry = EmbeddedRegistry.start(options.stateDir().resolve("kafka").resolve("schema-registry.jsonl"),
                        options.embeddedRegistryPort());
                registry = new RegistrySettings(embeddedRegistry.url(), registry.config());
            }
        }
        registry = registry.resolve(false, null);
        this.registry = registry;
        if (!embedded) {
            listener.phase("Reaching Kafka", -1);
            clients.requireReachable(options.startTimeout().compareTo(KAFKA_ANSWER_TIMEOUT) < 0 ? options.startTimeout() : KAFKA_ANSWER_TIMEOUT);
        }
        listener.phase("Checking the schema registry", -1);
        TopicSerdes serdes = registry.serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(options.topics()));
        admin = clients.admin();
        int partitions = ServiceTopics.ensure(admin, options.topics(), options.partitions());
        listener.info("Kafka:           " + clients.describe() + (embedded ? " (embedded, data in "
                + options.stateDir().resolve("kafka").toAbsolutePath() + ")" : ""));
        listener.info("Schema Registry: " + registry.url() + (embeddedRegistry != null ? " (embedded)" : ""));
        listener.info("topics:          " + options.topics().prefix() + "* with " + partitions + " partitions");
        listener.phase("Starting the topology (restoring local state if any)", -1);
        ApiServer.Settings apiSettings = options.api() == null ? null : ApiPorts.resolve(options.api());
        HostInfo self = apiSettings == null ? null : new HostInfo(apiSettings.advertisedHost(), apiSettings.advertisedPort());
        StreamsSettings settings = new StreamsSettings(options.applicationId(), clients, options.stateDir().resolve("streams"),
                options.threads(), options.standbyReplicas(), options.commitIntervalMs(), StreamsSettings.DEFAULT_CACHE_BYTES,
                options.topics(), false, options.stores(), self == null ? null : self.host() + ":" + self.port(), true);
        app = MartsApp.start(settings, registry.serdes(true), partitions, options.startTimeout(), started -> {
            if (apiSettings != null) { // answers (503 until ready) while the state is restored
                api = ApiServer.start(apiSettings, started.streams(), started.topology(), self, options.applicationId(), meters,
                        () -> sinks == null ? MartSinks.NONE.statusJson() : sinks.statusJson());
                listener.info("API:             http://localhost:" + api.port() + " (advertised to the other instances as "
                        + self.host() + ":" + self.port() + ")");
            }
        });
        if (options.sinks().any()) {
            sinks = MartSinks.start(options.sinks(), clients, options.topics(), registry.serdes(true), options.applicationId() + "-sink",
                    meters, listener);
        }
        if (options.sourceSpec() != null) {
            backfill(registry);
        }
        inputTopics = TheLookTopology.INPUTS.stream().map(t -> t.topic(options.topics().prefix())).toList();
        catchUp = new CatchUp(admin, clients, options.applicationId(), inputTopics);
        listener.info("application id:  " + options.applicationId() + ", state in "
                + options.stateDir().resolve("streams").toAbsolutePath() + " (" + options.stores().name().toLowerCase() + ")");
    }

    /**
     * The snapshot into the input topics while the topology already runs (and the API answers, with the backfill's
     * metrics at /metrics); checkpointed, so a restarted {@code run --input} does not produce it again.
     */
    private void backfill(RegistrySettings registry) {
        var backfill = new BackfillJob.Options(options.sourceSpec(), clients, registry, options.topics(), options.partitions(),
                options.onError(), BackfillJob.Plan.DEFAULT);
        BackfillJob.Summary summary;
        try {
            summary = new BackfillJob(backfill, listener, meters).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backfilling", e);
        }
        if (!summary.alreadyComplete()) {
            listener.info(String.format("backfilled %,d records in %.1f s", summary.records(), summary.seconds()));
        }
    }

    /** Records still to process below which a live service is not "behind": a live feed always has some in flight. */
    static final long BEHIND_RECORDS = 1_000;

    /**
     * Serves until {@link #stop()}: checks the topology's health and says when it has caught up with its
     * input topics, and, while it is behind by {@link #BEHIND_RECORDS} or more, how far every 10 s (and again
     * when it has caught up after that). Fails when the topology stops.
     */
    public void runUntilStopped(Duration checkEvery) throws InterruptedException {
        boolean saidCaughtUp = false;
        boolean saidBehind = false;
        long since = System.nanoTime();
        long lastLine = 0;
        while (!stopped.await(checkEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            app.checkHealthy();
            if (sinks != null) {
                sinks.checkHealthy();
            }
            CatchUp.Lag lag = catchUp.lag();
            boolean behind = lag.inputRemaining() + lag.internalRemaining() >= BEHIND_RECORDS;
            if (lag.caughtUp() && !saidCaughtUp) {
                listener.info(String.format("caught up: every input record is processed (%,d read since start, %.1f s)",
                        inputRecordsRead(), (System.nanoTime() - since) / 1e9));
                saidCaughtUp = true;
                saidBehind = false;
            } else if (saidCaughtUp && saidBehind && !behind) {
                listener.info(String.format("caught up again after %.1f s (%,d records in flight)", (System.nanoTime() - since) / 1e9,
                        lag.inputRemaining() + lag.internalRemaining()));
                saidBehind = false;
            } else if (behind && System.nanoTime() - lastLine > 10e9) {
                lastLine = System.nanoTime();
                if (!saidBehind && saidCaughtUp) { // fell behind after catching up: time the catching up again
                    since = System.nanoTime();
                }
                saidBehind = true;
                listener.info(String.format("behind: %,d input and %,d internal records to process%s", lag.inputRemaining(),
                        lag.internalRemaining(), sinks == null ? "" : "; " + sinks.statusLine()));
            }
        }
    }

    /** Input records the topology's consumers have fetched since this process started (Kafka's own counter). */
    public long inputRecordsRead() {
        Set<String> topics = Set.copyOf(inputTopics);
        long total = 0;
        for (var e : app.streams().metrics().entrySet()) {
            MetricName name = e.getKey();
            String topic = name.tags().get("topic");
            if (name.name().equals("records-consumed-total") && name.group().equals("consumer-fetch-manager-metrics")
                    && topic != null && topics.contains(topic)) {
                Metric m = e.getValue();
                total += (long) ((Number) m.metricValue()).doubleValue();
            }
        }
        return total;
    }

    public CatchUp.Lag lag() {
        return catchUp.lag();
    }

    public MartsApp app() {
        return app;
    }

    /** The API's port, or -1 without one. */
    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    /** The registry the service uses (the embedded one's URL when it brought its own). */
    public RegistrySettings registry() {
        return registry;
    }

    /** The meters scraped at /metrics (others, such as a live feed's, may register theirs). */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public KafkaClients clients() {
        return clients;
    }

    /** Asks {@link #runUntilStopped} to return; {@link #close()} then shuts everything down. */
    public void stop() {
        stopped.countDown();
    }

    /** The sinks, if any (after writing what they read), may still be behind the marts. */
    public MartSinks sinks() {
        return sinks;
    }

    /**
     * The API first, then the sinks (what they read written and committed), then the topology (its state flushed and
     * offsets committed), then the registry, then the broker.
     */
    @Override
    public void close() {
        stop();
        CloseInOrder.close(api, sinks, app, admin, embeddedRegistry, kafka);
    }
}
