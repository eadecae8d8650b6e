package thelook.streams.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records a run added to the dead-letter topic: marks the end of each partition first, then
 * reads from the marks to the end with read_committed and counts what arrives. End offsets alone would
 * count the transaction markers the topology's exactly-once producers write as well.
 */
final class DeadLetterCount {
    private final KafkaClients clients;
    private final String topic;
    private final Map<TopicPartition, Long> marks;

    private DeadLetterCount(KafkaClients clients, String topic, Map<TopicPartition, Long> marks) {
        this.clients = clients;
        this.topic = topic;
        this.marks = marks;
    }

    /** The dead-letter topic's ends now: only records after them will be counted. */
    static DeadLetterCount markEnds(KafkaClients clients, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clients)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return new DeadLetterCount(clients, topic, new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30))));
        }
    }

    /** Records (not markers) committed to the topic since the marks. */
    long count() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clients)) {
            consumer.assign(marks.keySet());
            marks.forEach(consumer::seek);
            Map<TopicPartition, Long> ends = consumer.endOffsets(marks.keySet(), Duration.ofSeconds(30));
            long count = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (marks.keySet().stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                count += consumer.poll(Duration.ofMillis(200)).count();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within a minute");
                }
            }
            return count;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaClients clients) {
        Map<String, Object> config = clients.config();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
