package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TopicSerdes;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.CatchUp;
import thelook.streams.app.MartSinks;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.names.TopicNames;

/**
 * A live service's input for the tests that feed one while something is killed: a generated snapshot,
 * its standard updates and deletes ({@link SnapshotChanges#standard}) delivered mid-stream into the
 * shuffled and partly duplicated replay, topics under a fresh prefix with their subjects in the shared
 * Apicurio registry, and the oracle's input after the changes; plus the producer and the waits they share.
 *
 * @param id six random characters naming this run's topics, groups and application
 */
record LiveFeed(String id, Path input, TopicNames topics, RegistrySettings registry, TopicSerdes serdes, Path expected,
                List<ReplayRecords.Raw> stream) {

    static LiveFeed prepare(Path tmp, String prefixName, int users, long seed, long shuffleSeed) throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(users, seed).writeCsv(input);
        String id = UUID.randomUUID().toString().substring(0, 6);
        String prefix = prefixName + "-" + id + ".";
        TopicNames topics = new TopicNames(prefix);
        RegistrySettings registry = new RegistrySettings(ApicurioRegistry.shared().url(), Map.of());
        TopicSerdes serdes = registry.serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(topics));
        SnapshotChanges changes = SnapshotChanges.standard(CsvDir.read(input), tmp, dir -> ReplayRecords.plan(dir, serdes, prefix));
        Path expected = changes.after().write(tmp.resolve("expected-input"));
        List<ReplayRecords.Raw> stream = changes.deliverMidStream(ReplayRecords.withDuplicates(
                ReplayRecords.shuffleAcrossTopics(ReplayRecords.plan(input, serdes, prefix), shuffleSeed), 0.05, shuffleSeed),
                tmp.resolve("changes"), shuffleSeed);
        return new LiveFeed(id, input, topics, registry, serdes, expected, stream);
    }

    String prefix() {
        return topics.prefix();
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<byte[], byte[]> producer, List<ReplayRecords.Raw> records, String prefix, TopicSerdes serdes) {
        var keys = serdes.longKey().serializer();
        for (ReplayRecords.Raw r : records) {
            String topic = r.table().topic(prefix);
            producer.send(new ProducerRecord<>(topic, keys.serialize(topic, r.key()), r.value()));
        }
        producer.flush();
    }

    /** Until the topology has processed and committed every input record (three minutes at most). */
    static void awaitCaughtUp(CatchUp catchUp, MartsService service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!catchUp.lag().caughtUp()) {
            service.app().checkHealthy();
            assertThat(System.nanoTime()).as("caught up within 3 minutes").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Until the group has committed offsets past some mart records. */
    static void awaitCommitted(Admin admin, String group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum() > 0) {
                return;
            }
            assertThat(System.nanoTime()).as("the sink committed within 2 minutes").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Until the group's committed offsets reach the mart topics' last stable offsets. */
    static void awaitGroupCaughtUp(Admin admin, TopicNames topics, String group) throws Exception {
        Map<TopicPartition, Long> ends = MartSinks.committedEnds(admin, topics);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (ends.entrySet().stream().allMatch(e -> offsets.get(e.getKey()) != null && offsets.get(e.getKey()).offset() >= e.getValue())) {
                return;
            }
            assertThat(System.nanoTime()).as(group + " caught up within 2 minutes").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
