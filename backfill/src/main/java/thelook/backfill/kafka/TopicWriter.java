package thelook.backfill.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import thelook.backfill.plan.PlannedRecord;
import thelook.schemas.TopicSerdes;

/**
 * Produces a replay plan to the per-table topics, in plan order, with an idempotent producer: a retried
 * send never duplicates or reorders a key's versions. Record timestamps are the produce time; event
 * time travels in the row (old event times would fall under time-based retention, future ones
 * past the broker's timestamp bounds).
 */
public final class TopicWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<Long> keySerializer;

    /**
     * @param clientConfig bootstrap servers and the user's client settings (security, tuning); they win over
     *                     this writer's tuning, but not over idempotence and acks=all, which keep each key's
     *                     versions in order and every acknowledged record written
     * @param overrides    the caller's own tuning, e.g. no compression towards a broker in the same JVM
     */
    public TopicWriter(Map<String, Object> clientConfig, TopicSerdes serdes, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "thelook-backfill");
        config.putAll(clientConfig);
        config.putAll(overrides);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.keySerializer = serdes.longKey().serializer();
    }

    /** Sends every record and waits for all acknowledgements; returns the count. Fails on the first send error. */
    public long write(Iterable<PlannedRecord> records, String topicPrefix, LongConsumer progress) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        for (PlannedRecord r : records) {
            if (failure.get() != null) {
                break;
            }
            String topic = r.table().topic(topicPrefix);
            producer.send(new ProducerRecord<>(topic, keySerializer.serialize(topic, r.key()), r.value()),
                    (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
            if (++sent % 10_000 == 0 && progress != null) {
                progress.accept(sent);
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("producing the replay failed: " + failure.get().getMessage(), failure.get());
        }
        if (progress != null) {
            progress.accept(sent);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
