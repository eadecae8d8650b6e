package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TopicSerdes;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.CatchUp;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.ServiceTopics;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.StoreNames;
import thelook.streams.names.TopicNames;
import thelook.streams.output.MartCsv;
import thelook.streams.testing.ChildJvm;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * Exactness of the service on a real broker across partitions: two {@code run} instances of one
 * application (one in this JVM, whose stores the test reads, one a child JVM) share four partitions with
 * a standby each. The records of a generated dataset go straight to the input topics in a random order
 * between topics (each key's versions in order), with duplicates, and with updates and deletes of users,
 * products, orders, items and events delivered mid-stream. The child is killed with {@code kill -9} while
 * it works, records keep coming, and it is started again. Expected: the mart topics' last value per key,
 * and then (the child stopped with SIGTERM, exit 0) the stores of the remaining instance, equal the batch
 * oracle over the final tables.
 */
class ServiceClusterTest {
    private static final int PARTITIONS = 4;
    /** The session timeout both instances use, so the killed member is declared dead in 10 s rather than 45. */
    private static final Map<String, String> CLIENT = Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "2000");

    @TempDir
    Path tmp;

    @Test
    void twoInstancesOneKilledAndRestartedMidStreamEqualTheOracle() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(300, 21).writeCsv(input);
        String prefix = "svc-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        String applicationId = "thelook-it-" + prefix.substring(4, 10);
        TopicNames topics = new TopicNames(prefix);
        RegistrySettings registry = new RegistrySettings(ApicurioRegistry.shared().url(), Map.of());
        TopicSerdes serdes = registry.serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(topics));

        SnapshotChanges changes = SnapshotChanges.standard(CsvDir.read(input), tmp,
                dir -> ReplayRecords.plan(dir, serdes, prefix));
        Path expected = changes.after().write(tmp.resolve("expected-input"));
        List<ReplayRecords.Raw> stream = changes.deliverMidStream(ReplayRecords.withDuplicates(
                ReplayRecords.shuffleAcrossTopics(ReplayRecords.plan(input, serdes, prefix), 7), 0.05, 7), tmp.resolve("changes"), 7);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), CLIENT);
            var options = new MartsService.Options(clients, registry, topics, applicationId, tmp.resolve("state-a"),
                    StoreKind.ROCKSDB, 1, 1, null, 100, 0, 0, null, OnError.FAIL, Duration.ofMinutes(2), null);
            try (Admin admin = clients.admin();
                 MartsService local = startAfterTopics(admin, topics, options);
                 KafkaProducer<byte[], byte[]> producer = LiveFeed.producer(kafka.bootstrapServers())) {
                String[] childArgs = childArgs(kafka.bootstrapServers(), registry.url(), prefix, applicationId, tmp.resolve("state-b"));
                ChildJvm child = ChildJvm.start(tmp.resolve("child-1.log"), childArgs);
                child.awaitOutput("Running", Duration.ofMinutes(2));

                int third = stream.size() / 3;
                LiveFeed.send(producer, stream.subList(0, third), prefix, serdes);
                CatchUp catchUp = new CatchUp(admin, clients, applicationId,
                        TheLookTopology.INPUTS.stream().map(t -> t.topic(prefix)).toList());
                awaitProgress(catchUp, third); // processing has begun: now the child dies mid-stream
                long remainingAtKill = catchUp.lag().inputRemaining();
                child.kill();
                assertThat(remainingAtKill).as("input records left when the child was killed").isPositive();
                LiveFeed.send(producer, stream.subList(third, 2 * third), prefix, serdes);
                try (ChildJvm restarted = ChildJvm.start(tmp.resolve("child-2.log"), childArgs)) {
                    restarted.awaitOutput("Running", Duration.ofMinutes(2));
                    LiveFeed.send(producer, stream.subList(2 * third, stream.size()), prefix, serdes);
                    LiveFeed.awaitCaughtUp(catchUp, local);

                    Path fromTopics = martsFromTopics(kafka.bootstrapServers(), topics, serdes, tmp.resolve("from-topics"));
                    ServiceRestartTest.assertEqualToOracle(expected, fromTopics);

                    assertThat(restarted.terminate(Duration.ofMinutes(1))).as("exit code after SIGTERM").isZero();
                    assertThat(restarted.output()).contains("stopped cleanly"); // after the kill -9 it wiped and restored its state (EOS)
                }
                awaitAllPartitionsActive(local.app().streams());
                LiveFeed.awaitCaughtUp(catchUp, local);
                Path fromStores = tmp.resolve("from-stores");
                local.app().writeMartCsvs(fromStores);
                ServiceRestartTest.assertEqualToOracle(expected, fromStores);
                for (String mart : new String[] {"dim_customer_metrics", "dim_product_performance", "fct_cross_sell_candidates"}) {
                    assertThat(Files.readString(fromStores.resolve(mart + ".csv"))).as(mart + ": store rows = topic's last values")
                            .isEqualTo(Files.readString(tmp.resolve("from-topics").resolve(mart + ".csv")));
                }
            }
        }
    }

    private static MartsService startAfterTopics(Admin admin, TopicNames topics, MartsService.Options options) {
        assertThat(ServiceTopics.ensure(admin, topics, PARTITIONS)).isEqualTo(PARTITIONS);
        return MartsService.start(options, new JobListener() {});
    }

    private static String[] childArgs(String bootstrap, String registryUrl, String prefix, String applicationId, Path state) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap, "--schema-registry-url", registryUrl,
                "--topic-prefix", prefix, "--application-id", applicationId, "--state-dir", state.toString(),
                "--threads", "1", "--standby-replicas", "1", "--kafka-config", "unknown.client.key=is-fine"));
        CLIENT.forEach((k, v) -> args.addAll(List.of("--kafka-config", k + "=" + v)));
        return args.toArray(String[]::new);
    }

    /** Until some but not all of the first records are processed (or a minute has passed). */
    private static void awaitProgress(CatchUp catchUp, long produced) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (catchUp.lag().inputRemaining() > produced * 0.8 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** The child has left: wait until this instance is the active owner of every partition of every mart store. */
    private static void awaitAllPartitionsActive(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (String store : new String[] {StoreNames.CUSTOMER_METRICS, StoreNames.PRODUCT_PERFORMANCE, StoreNames.CROSS_SELL_CANDIDATES}) {
            for (int p = 0; p < PARTITIONS; p++) {
                while (true) {
                    try {
                        if (streams.state() == KafkaStreams.State.RUNNING) {
                            streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())
                                    .withPartition(p)).approximateNumEntries();
                            break;
                        }
                    } catch (InvalidStateStoreException notYet) {
                        // still rebalancing or restoring
                    }
                    assertThat(System.nanoTime()).as(store + " partition " + p + " active here within 2 minutes").isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
        }
    }

    /** The mart topics read to the end: the last value per key, tombstones dropping the key, written as mart CSVs. */
    private static Path martsFromTopics(String bootstrap, TopicNames topics, TopicSerdes serdes, Path dir) throws Exception {
        Files.createDirectories(dir);
        List<DimCustomerMetrics> customers = lastValues(bootstrap, topics.customerMetrics(), serdes.value(DimCustomerMetrics.class).deserializer());
        List<DimProductPerformance> products = lastValues(bootstrap, topics.productPerformance(), serdes.value(DimProductPerformance.class).deserializer());
        List<FctCrossSellCandidates> pairs = lastValues(bootstrap, topics.crossSellCandidates(), serdes.value(FctCrossSellCandidates.class).deserializer());
        MartCsv.writeCustomerMetrics(dir, customers.iterator());
        MartCsv.writeProductPerformance(dir, products.iterator());
        MartCsv.writeCrossSellCandidates(dir, pairs.iterator());
        return dir;
    }

    private static <V> List<V> lastValues(String bootstrap, String topic, Deserializer<V> values) {
        Map<ByteBuffer, byte[]> last = new HashMap<>();
        int tombstones = 0;
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    last.put(ByteBuffer.wrap(r.key()), r.value());
                }
            }
        }
        List<V> out = new ArrayList<>();
        for (byte[] v : last.values()) {
            if (v == null) {
                tombstones++;
            } else {
                out.add(values.deserialize(topic, v));
            }
        }
        if (topic.endsWith("dim_customer_metrics")) {
            assertThat(tombstones).as("the deleted user's row ends in a tombstone").isPositive();
        }
        Collections.shuffle(out); // MartCsv sorts; the order read carries no meaning
        return out;
    }
}
