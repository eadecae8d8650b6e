package thelook.streams.app;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import thelook.backfill.csv.OnError;
import thelook.backfill.kafka.TopicWriter;
import thelook.backfill.plan.ReplayPlan;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * A CSV directory through the replay's planner into the input topics of a cluster where the service
 * may already run. There is no "topics must be empty" rule: the topology reads every topic as a
 * changelog, so producing the same rows again changes no mart. Every file is read and checked before
 * the first record is produced, so a bad file leaves nothing half-produced.
 */
public final class BackfillJob {
    /**
     * @param clients    a cluster (bootstrap servers set)
     * @param registry   a resolved registry (its URL set)
     * @param partitions {@code --partitions}, or null to adopt the existing topics' count
     */
    public record Options(Path input, KafkaClients clients, RegistrySettings registry, TopicNames topics, Integer partitions,
                          OnError onError) {}

    /** Records produced per table ({@code rowsPerTable} of the plan), skipped rows, seconds. */
    public record Summary(long records, Map<String, Long> rowsPerTable, long skippedRows, double seconds) {
        public double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    private final Options options;
    private final JobListener listener;

    public BackfillJob(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    public Summary run() {
        long started = System.nanoTime();
        listener.phase("Reaching Kafka", -1);
        options.clients().requireReachable(MartsService.KAFKA_ANSWER_TIMEOUT);
        listener.phase("Checking the schema registry", -1);
        TopicSerdes serdes = options.registry().serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(options.topics()));
        listener.phase("Reading CSVs", -1);
        try (ReplayPlan plan = ReplayPlan.fromCsvDirectory(options.input(), serdes, options.topics().prefix(), options.onError(),
                (table, rows) -> listener.info("read " + rows + " rows of " + table.tableName()))) {
            listener.planned(plan);
            try (Admin admin = options.clients().admin()) {
                int partitions = ServiceTopics.ensure(admin, options.topics(), options.partitions());
                listener.info("topics under " + options.topics().prefix() + " have " + partitions + " partitions");
            }
            long produced = produce(plan, options.clients(), serdes, options.topics(), listener);
            Map<String, Long> perTable = new java.util.LinkedHashMap<>();
            plan.rowsPerTable().forEach((t, n) -> perTable.put(t.tableName(), n));
            return new Summary(produced, perTable, plan.skippedRows().count(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** Produces a checked plan: the part a backfill and {@code run --input} share. */
    static long produce(ReplayPlan plan, KafkaClients clients, TopicSerdes serdes, TopicNames topics, JobListener listener) {
        listener.phase("Producing", plan.size());
        try (TopicWriter writer = new TopicWriter(clients.config(), serdes, Map.of())) {
            return writer.write(plan, topics.prefix(), listener::progress);
        }
    }
}
