package thelook.streams.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import thelook.backfill.source.OnError;
import thelook.backfill.source.OwnedTempDirs;
import thelook.backfill.kafka.TopicWriter;
import thelook.backfill.plan.EventWindow;
import thelook.backfill.plan.ReplayPlan;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * CSV directory -> replay plan -> Kafka topics -> marts topology -> mart CSVs. Every input file is read
 * and checked before anything is produced; the marts are written only once the topology has processed
 * every record (consumer lag, not a timer).
 */
public final class ReplayJob {
    /**
     * What the job needs to be told. {@code clients.bootstrapServers()} null = the embedded broker; {@code stores} null =
     * chosen from the input's size and the heap ({@link StateStoreChoice}).
     */
    public record Options(Path input, Path output, KafkaClients clients, Path stateDir, String topicPrefix,
                          int partitions, int threads, long commitIntervalMs, StoreKind stores, OnError onError, Duration timeout,
                          RegistrySettings registry, SinkOptions sinks, SourceSpec source) {
        public Options(Path input, Path output, KafkaClients clients, Path stateDir, String topicPrefix, int partitions, int threads,
                       long commitIntervalMs, StoreKind stores, OnError onError, Duration timeout, RegistrySettings registry,
                       SinkOptions sinks) {
            this(input, output, clients, stateDir, topicPrefix, partitions, threads, commitIntervalMs, stores, onError, timeout, registry,
                    sinks, null);
        }

        /** {@code source}, else {@code input} as a CSV source. */
        public SourceSpec sourceSpec() {
            return source != null ? source : SourceSpec.csv(input);
        }

        public Options(Path input, Path output, KafkaClients clients, Path stateDir, String topicPrefix, int partitions, int threads,
                       long commitIntervalMs, StoreKind stores, OnError onError, Duration timeout, RegistrySettings registry) {
            this(input, output, clients, stateDir, topicPrefix, partitions, threads, commitIntervalMs, stores, onError, timeout, registry,
                    SinkOptions.none());
        }
    }

    /** The outcome: records replayed, rows per mart, rows skipped, DLQ entries, seconds, one line per sink. */
    public record Summary(long records, Map<String, Long> rowsPerMart, long skippedRows, long deadLetters,
                          double seconds, List<String> sinks) {
        public double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    private final Options options;
    private final JobListener listener;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    public ReplayJob(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    private boolean embedded() {
        return options.clients().bootstrapServers() == null;
    }

    public Summary run() throws Exception {
        long started = System.nanoTime();
        TopicNames topics = new TopicNames(options.topicPrefix());
        RegistrySettings registry = options.registry().resolve(embedded(), "replay-" + runId);
        try {
            return run(topics, registry, started);
        } finally {
            registry.release();
        }
    }

    private Summary run(TopicNames topics, RegistrySettings registry, long started) throws Exception {
        // First, so that a registry that is away or refuses a schema fails the job before any work
        listener.phase("Checking the schema registry", -1);
        TopicSerdes serdes = registry.serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(topics));
        listener.info("schemas registered in " + registry.url() + " (BACKWARD compatibility)");
        String applicationId = "thelook-replay-" + runId;
        SourceSpec sourceSpec = options.sourceSpec();
        listener.phase("Opening " + sourceSpec.key(), -1);
        // Files and headers (or BigQuery tables and columns) are checked here, before anything starts
        TableSource source = sourceSpec.open(EnumSet.allOf(TheLookTable.class), null, null, null);
        try (source) {
            // made only now: a source refused above leaves no empty temp dir behind
            Path workDir = options.stateDir() != null ? options.stateDir() : OwnedTempDirs.create("thelook-streams-");
            try {
                return run(topics, registry, serdes, source, workDir, applicationId, started);
            } finally {
                if (options.stateDir() == null) {
                    deleteQuietly(workDir);
                }
            }
        }
    }

    private Summary run(TopicNames topics, RegistrySettings registry, TopicSerdes serdes, TableSource source, Path workDir,
                        String applicationId, long started) throws Exception {
        StoreKind stores = options.stores();
        if (stores == null) {
            StateStoreChoice choice = options.sourceSpec().kind() == SourceSpec.Kind.CSV
                    ? StateStoreChoice.forInput(options.sourceSpec().dir(), Runtime.getRuntime().maxMemory())
                    : StateStoreChoice.of(source.inputBytes(), Runtime.getRuntime().maxMemory());
            listener.info(choice.explain());
            stores = choice.kind();
        }
        ReplayCluster.Spec spec = new ReplayCluster.Spec(options.clients(), workDir,
                options.stateDir() != null ? workDir.resolve("kafka") : null, applicationId, topics, options.partitions(),
                options.threads(), options.commitIntervalMs(), stores, options.timeout(), registry.serdes(true));
        {
            // The embedded broker is this run's own, so it and the topology start while the CSVs are read
            // (once their headers are known to be good): a bad file still leaves nothing anywhere. A user's
            // cluster is touched only once every file is good.
            boolean startEarly = embedded();
            AtomicReference<CompletableFuture<ReplayCluster>> early = new AtomicReference<>();
            AtomicBoolean abandoned = new AtomicBoolean();
            listener.phase(startEarly ? "Reading " + source.describe() + " (Kafka and the topology start meanwhile)"
                    : "Reading " + source.describe(), -1);
            if (startEarly) {
                early.set(CompletableFuture.supplyAsync(() -> startCluster(spec, abandoned::get)));
            }
            ReplayPlan plan;
            try {
                plan = ReplayPlan.fromSource(source, serdes, options.topicPrefix(),
                        new ReplayPlan.Options(options.onError(), EventWindow.ALL, null, null),
                        (table, rows) -> listener.info("read " + rows + " rows of " + table.tableName()));
            } catch (RuntimeException e) {
                if (early.get() != null) {
                    abandoned.set(true);
                    closeWhenStarted(early.get());
                }
                throw e;
            }
            try (plan) {
                listener.planned(plan);
                listener.phase(startEarly ? "Waiting for Kafka and the topology" : "Starting Kafka and the topology", -1);
                try (ReplayCluster cluster = early.get() != null ? joinCluster(early.get()) : startCluster(spec, () -> false)) {
                    Summary summary = replay(plan, cluster, applicationId, topics, serdes, started);
                    // its own phase: closing the topology (and an embedded broker) takes seconds, which the last phase
                    // would otherwise seem to take (with a sink: "Writing the last mart changes" 3.4 s, of it 0.5 s the sink's)
                    listener.phase(cluster.brokerInProcess() ? "Stopping Kafka and the topology" : "Stopping the topology", -1);
                    return summary;
                }
            }
        }
    }

    /** Rows were bad after the cluster began to start: it stops at its next step; wait for that and close it. */
    private static void closeWhenStarted(CompletableFuture<ReplayCluster> early) {
        try {
            early.join().close();
        } catch (RuntimeException ignored) {
            // it failed to start or to stop; the bad input is what the user needs to hear about
        }
    }

    private static ReplayCluster startCluster(ReplayCluster.Spec spec, BooleanSupplier abandoned) {
        try {
            return ReplayCluster.start(spec, abandoned);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot prepare the topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        }
    }

    /** The background start's own exception, not the future's wrapper, so messages stay what they were. */
    private static ReplayCluster joinCluster(CompletableFuture<ReplayCluster> early) {
        try {
            return early.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private Summary replay(ReplayPlan plan, ReplayCluster cluster, String applicationId, TopicNames topics,
                           TopicSerdes serdes, long started) throws Exception {
        List<String> readTopics = TheLookTopology.INPUTS.stream().map(t -> t.topic(options.topicPrefix())).toList();
        long toProcess = TheLookTopology.INPUTS.stream().mapToLong(t -> plan.recordsPerTable().getOrDefault(t, 0L)).sum();
        Admin admin = cluster.admin();
        MartsApp app = cluster.app();
        DeadLetterCount deadLetters = DeadLetterCount.markEnds(cluster.clients(), topics.deadLetters());
        try (MartSinks sinks = MartSinks.start(options.sinks(), cluster.clients(), topics, serdes, applicationId + "-sink",
                new SimpleMeterRegistry(), listener)) {
            listener.phase("Producing", plan.size());
            long produced;
            Map<String, Object> producerOverrides = cluster.brokerInProcess()
                    ? Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none") : Map.of();
            try (TopicWriter writer = new TopicWriter(cluster.clients().config(), serdes, producerOverrides)) {
                produced = writer.write(plan, options.topicPrefix(), done -> {
                    listener.progress(done);
                    if (done % 500_000 == 0) {
                        app.checkHealthy();
                    }
                });
            }
            awaitCaughtUp(app, new CatchUp(admin, cluster.clients(), applicationId, readTopics), toProcess, sinks);
            Map<String, Long> rows = options.output() != null ? app.writeMartCsvs(options.output()) : app.martRowCounts();
            if (!sinks.isEmpty()) {
                listener.phase("Writing the last mart changes to the sinks", -1);
                sinks.awaitCaughtUp(admin, topics, options.timeout(), listener);
            }
            long deadLettered = deadLetters.count();
            reportWrites(admin, applicationId, topics);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Summary(produced, rows, plan.skippedRows().count(), deadLettered, seconds, sinks.report());
        }
    }

    /** Waits until every record of the topics the topology reads is processed and committed. */
    private void awaitCaughtUp(MartsApp app, CatchUp catchUp, long toProcess, MartSinks sinks) throws InterruptedException {
        listener.phase("Processing", toProcess);
        long deadline = System.nanoTime() + options.timeout().toNanos();
        long pause = 50;
        while (true) {
            app.checkHealthy();
            if (!sinks.isEmpty()) {
                sinks.checkHealthy();
                listener.status(sinks.statusLine());
            }
            CatchUp.Lag lag = catchUp.lag();
            listener.progress(Math.max(0, toProcess - lag.inputRemaining()));
            if (lag.caughtUp()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the topology did not catch up within " + options.timeout().toSeconds()
                        + " s: " + lag.inputRemaining() + " input and " + lag.internalRemaining() + " internal records left");
            }
            Thread.sleep(pause); // polling interval of the lag check, not a guess at completion
            pause = Math.min(500, pause * 2);
        }
    }

    /** Records the topology wrote, by kind of topic: what one input record costs downstream. */
    private void reportWrites(Admin admin, String applicationId, TopicNames topics) throws ExecutionException, InterruptedException {
        Map<String, Long> written = new java.util.TreeMap<>();
        for (String topic : admin.listTopics().names().get()) {
            String kind = topic.endsWith("-changelog") ? "changelog" : topic.endsWith("-repartition") ? "repartition"
                    : topics.marts().contains(topic) ? "mart" : null;
            if (kind != null && topic.startsWith(applicationId) || "mart".equals(kind)) {
                written.merge(kind + " " + topic.replace(applicationId + "-", ""), endOffsetSum(admin, topic), Long::sum);
            }
        }
        written.forEach((topic, n) -> listener.info(String.format("  wrote %,12d records to %s", n, topic)));
    }

    static long endOffsetSum(Admin admin, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException ignored) {
            // a temp dir; the OS cleans it eventually
        }
    }
}
