package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import thelook.streams.app.JobListener;
import thelook.avro.DimCustomerMetrics;
import thelook.schemas.registry.CachingSchemaRegistry;
import thelook.schemas.registry.CompatibilityLevel;
import thelook.schemas.registry.RegistryAvroDeserializer;
import thelook.schemas.registry.RegistryUnavailableException;
import thelook.schemas.registry.SchemaRegistry;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.streams.app.ReplayJob;
import thelook.streams.topology.StoreKind;
import thelook.streams.embedded.EmbeddedKafka;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole replay on a real in-process KRaft broker (the embedded default): CSVs -> backfill -> Kafka ->
 * Kafka Streams (EOS v2, two partitions, two threads) -> mart CSVs, compared with the batch oracle.
 */
class ReplayEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void replayOnTheEmbeddedBrokerEqualsBatch() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(1500, 42).writeCsv(input);
        Path output = tmp.resolve("marts");
        var options = new ReplayJob.Options(input, output, new KafkaClients(null, Map.of()), null, TheLookTable.DEFAULT_TOPIC_PREFIX, 2, 2, 100, null, // state store: auto
                OnError.FAIL, Duration.ofMinutes(5), RegistrySettings.inMemory());

        ReplayJob.Summary summary = new ReplayJob(options, new JobListener() {}).run();

        assertThat(summary.rowsPerMart()).containsEntry("dim_customer_metrics", 1500L);
        assertThat(summary.deadLetters()).isZero();
        MartComparison.Result result = MartComparison.compare(input, output);
        assertThat(result.differences()).as(result.toString()).isEmpty();
        assertThat(result.rowsPerMart().get("fct_cross_sell_candidates")).isPositive();
    }

    @Test
    void anExternalClusterAndRegistryWithATopicPrefixAndNoReplayIntoUsedTopics() throws Exception {
        Path input = tmp.resolve("small");
        new TheLookGenerator(200, 5).writeCsv(input);
        String prefix = "team-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        var registry = new RegistrySettings(ApicurioRegistry.shared().url(), Map.of());
        try (EmbeddedKafka cluster = EmbeddedKafka.start(null)) { // stands in for an external cluster
            var options = new ReplayJob.Options(input, tmp.resolve("out"), new KafkaClients(cluster.bootstrapServers(), Map.of()), tmp.resolve("state"),
                    prefix, 3, 1, 100, StoreKind.ROCKSDB, OnError.FAIL, Duration.ofMinutes(5), registry);
            ReplayJob.Summary summary = new ReplayJob(options, new JobListener() {}).run();
            assertThat(summary.rowsPerMart()).containsEntry("dim_customer_metrics", 200L);
            MartComparison.Result result = MartComparison.compare(input, tmp.resolve("out"));
            assertThat(result.differences()).as(result.toString()).isEmpty();

            // what a Confluent consumer sees: framed records whose ids the registry resolves
            SchemaRegistry client = CachingSchemaRegistry.forConfig(registry.clientConfig());
            assertThat(client.compatibility(prefix + "mart.dim_customer_metrics-value")).isEqualTo(CompatibilityLevel.BACKWARD);
            assertThat(client.latest(prefix + "mart.fct_cross_sell_candidates-key").schema().getName()).isEqualTo("CrossSellKey");
            List<Object> rows = readAll(cluster.bootstrapServers(), prefix + "mart.dim_customer_metrics", client);
            assertThat(rows).isNotEmpty().allSatisfy(row ->
                    assertThat(((GenericRecord) row).getSchema().getName()).isEqualTo("DimCustomerMetrics"));
            assertThat(readAll(cluster.bootstrapServers(), prefix + "users", client)).hasSize(200);

            assertThatThrownBy(() -> new ReplayJob(options, new JobListener() {}).run())
                    .hasMessageContaining(prefix + "products already holds records")
                    .hasMessageContaining("--topic-prefix");
        }
    }

    @Test
    void aClusterWithoutARegistryOrARegistryThatIsAwayFailsAtOnceNamingIt() throws Exception {
        Path input = tmp.resolve("tiny");
        new TheLookGenerator(20, 1).writeCsv(input);
        var noRegistry = new ReplayJob.Options(input, tmp.resolve("out"), new KafkaClients("localhost:1", Map.of()), null, "x.", 1, 1, 100, StoreKind.MEMORY,
                OnError.FAIL, Duration.ofMinutes(1), RegistrySettings.inMemory());
        assertThatThrownBy(() -> new ReplayJob(noRegistry, new JobListener() {}).run())
                .hasMessageContaining("--bootstrap-servers needs --schema-registry-url");

        String away = "http://localhost:" + ApicurioRegistry.freePort();
        var registryAway = new ReplayJob.Options(input, tmp.resolve("out"), new KafkaClients(null, Map.of()), null, "x.", 1, 1, 100, StoreKind.MEMORY, OnError.FAIL,
                Duration.ofMinutes(1), new RegistrySettings(away, Map.of("max.retries", "2", "retries.wait.ms", "50")));
        long started = System.nanoTime();
        assertThatThrownBy(() -> new ReplayJob(registryAway, new JobListener() {}).run())
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining(away).hasMessageContaining("3 attempt(s)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    /** Every record of a topic, decoded as a generic consumer that knows no schema beforehand would. */
    static List<Object> readAll(String bootstrap, String topic, SchemaRegistry registry) {
        var deserializer = new RegistryAvroDeserializer<Object>(registry, (Class<DimCustomerMetrics>) null);
        List<Object> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        assertThat(r.value()[0]).as("magic byte").isZero();
                        out.add(deserializer.deserialize(topic, r.value()));
                    }
                }
            }
        }
        return out;
    }
}
