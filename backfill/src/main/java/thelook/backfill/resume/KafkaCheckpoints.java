package thelook.backfill.resume;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import thelook.backfill.kafka.Topics;

/**
 * Backfill checkpoints in a compacted topic ({@code <prefix>backfill-checkpoints}, one partition): the
 * key names the backfill (source and options), the value is a {@link Checkpoint} as JSON. Kept in Kafka
 * rather than a local file so that a backfill restarted on another machine or container resumes too.
 */
public final class KafkaCheckpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> clientConfig;
    private final String topic;

    public KafkaCheckpoints(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = clientConfig;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    public void ensureTopic(Admin admin) {
        Topics.ensure(admin, List.of(topic), 1, Topics.COMPACTED);
    }

    /** The last checkpoint saved under {@code key}, if any (a tombstone, from {@code --restart}, is none). */
    public Optional<Checkpoint> load(String key) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "thelook-backfill-checkpoints");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
            byte[] last = null;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the backfill checkpoints from " + topic + " within "
                            + READ_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && java.util.Arrays.equals(r.key(), wanted)) {
                        last = r.value();
                    }
                }
            }
            return last == null ? Optional.empty() : Optional.of(JSON.readValue(last, Checkpoint.class));
        } catch (IOException e) {
            throw new IllegalStateException("the backfill checkpoint '" + key + "' in " + topic + " is not readable: "
                    + e.getMessage() + " (use --restart to start over)", e);
        }
    }

    /** Writes {@code checkpoint} (null: a tombstone) and waits for the broker's acknowledgement. */
    public void save(KafkaProducer<byte[], byte[]> producer, String key, Checkpoint checkpoint) {
        try {
            byte[] value = checkpoint == null ? null : JSON.writeValueAsBytes(checkpoint);
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write the backfill checkpoint to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the backfill checkpoint", e);
        }
    }
}
