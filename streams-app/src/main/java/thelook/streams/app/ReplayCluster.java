package thelook.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import thelook.backfill.kafka.Topics;
import thelook.schemas.TopicSerdes;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.topology.StoreKind;

/**
 * The Kafka side of a replay, ready to take records: the broker (this run's embedded one, or the
 * user's cluster), empty input topics, the mart topics and the running topology.
 */
final class ReplayCluster implements AutoCloseable {
    private final EmbeddedKafka embedded;
    private final KafkaClients clients;
    private final Admin admin;
    private final MartsApp app;

    private ReplayCluster(EmbeddedKafka embedded, KafkaClients clients, Admin admin, MartsApp app) {
        this.embedded = embedded;
        this.clients = clients;
        this.admin = admin;
        this.app = app;
    }

    /** What the cluster side needs to know; no bootstrap servers in {@code clients} = start an embedded broker. */
    record Spec(KafkaClients clients, Path workDir, Path embeddedDataDir, String applicationId, TopicNames topics,
                int partitions, int threads, long commitIntervalMs, StoreKind stores, Duration timeout, TopicSerdes topologySerdes) {}

    /** {@code abandoned}: checked between the steps, so a replay whose input turned out bad stops early. */
    static ReplayCluster start(Spec spec, BooleanSupplier abandoned) throws ExecutionException, InterruptedException {
        EmbeddedKafka embedded = null;
        Admin admin = null;
        try {
            KafkaClients clients = spec.clients();
            if (clients.bootstrapServers() == null) {
                embedded = EmbeddedKafka.start(spec.embeddedDataDir());
                clients = clients.withBootstrap(embedded.bootstrapServers());
            }
            stopIf(abandoned);
            admin = clients.admin();
            List<String> inputTopics = Topics.inputTopics(spec.topics().prefix());
            requireEmptyInputs(admin, inputTopics);
            Topics.ensure(admin, inputTopics, spec.partitions(), Topics.COMPACTED);
            Topics.ensure(admin, spec.topics().marts(), spec.partitions(), ServiceTopics.MART_CONFIGS);
            Topics.ensure(admin, List.of(spec.topics().deadLetters()), 1, Map.of());
            stopIf(abandoned);
            StreamsSettings settings = new StreamsSettings(spec.applicationId(), clients, spec.workDir().resolve("streams"),
                    spec.threads(), 0, spec.commitIntervalMs(), StreamsSettings.DEFAULT_CACHE_BYTES, spec.topics(), embedded != null,
                    spec.stores(), null, false);
            MartsApp app = MartsApp.start(settings, spec.topologySerdes(), spec.partitions(), spec.timeout());
            return new ReplayCluster(embedded, clients, admin, app);
        } catch (RuntimeException | ExecutionException | InterruptedException e) {
            closeAll(null, admin, embedded);
            throw e;
        }
    }

    private static void stopIf(BooleanSupplier abandoned) {
        if (abandoned.getAsBoolean()) {
            throw new CancellationException("the replay was abandoned");
        }
    }

    KafkaClients clients() {
        return clients;
    }

    /** The broker runs in this JVM: records cross no network, so compressing them only costs CPU. */
    boolean brokerInProcess() {
        return embedded != null;
    }

    Admin admin() {
        return admin;
    }

    MartsApp app() {
        return app;
    }

    private static void requireEmptyInputs(Admin admin, List<String> inputTopics) throws ExecutionException, InterruptedException {
        var existing = admin.listTopics().names().get();
        List<String> present = new ArrayList<>(inputTopics);
        present.retainAll(existing);
        for (String topic : present) {
            if (ReplayJob.endOffsetSum(admin, topic) > 0) {
                throw new IllegalStateException("topic " + topic + " already holds records; a replay starts from empty "
                        + "input topics: choose a fresh --topic-prefix");
            }
        }
    }

    @Override
    public void close() {
        closeAll(app, admin, embedded);
    }

    /** Closes in dependency order (topology, admin, broker); the first failure is thrown once all are closed. */
    private static void closeAll(MartsApp app, Admin admin, EmbeddedKafka embedded) {
        CloseInOrder.close(app, admin, embedded);
    }
}
