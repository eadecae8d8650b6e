package thelook.streams.ingest;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * Live rows into the input topics: keyed by primary key, Avro through the registry, with an idempotent producer
 * ({@code acks=all}) that keeps each partition's order, and a short linger (a live feed wants latency before batch
 * size). A null value is a tombstone.
 */
public final class RowProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<Long> keys;
    private final Map<TheLookTable, Serializer<SpecificRecord>> values = new EnumMap<>(TheLookTable.class);
    private final TopicNames topics;

    @SuppressWarnings("unchecked")
    public RowProducer(Map<String, Object> kafkaConfig, TopicSerdes serdes, TopicNames topics, String clientId) {
        this.topics = topics;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.putAll(kafkaConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        keys = serdes.longKey().serializer();
        for (TheLookTable t : TheLookTable.values()) {
            values.put(t, (Serializer<SpecificRecord>) serdes.value(t.recordClass()).serializer());
        }
    }

    /** The record of a row; throws a RuntimeException when it cannot be serialized (the registry is away). */
    public ProducerRecord<byte[], byte[]> record(RowMessages.Row row) {
        String topic = row.table().topic(topics.prefix());
        byte[] value = row.value() == null ? null : values.get(row.table()).serialize(topic, row.value());
        return new ProducerRecord<>(topic, keys.serialize(topic, row.key()), value);
    }

    /** Sends; {@code done} runs once Kafka acked the record or the send failed. */
    public void send(ProducerRecord<byte[], byte[]> record, Callback done) {
        producer.send(record, done);
    }

    public void flush() {
        producer.flush();
    }

    /** Sends what is batched, then closes (waiting up to 30 s). */
    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(30));
    }

    /** Closes without waiting (start-up failed). */
    public void abort() {
        producer.close(Duration.ZERO);
    }
}
