package thelook.backfill.kafka;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import thelook.backfill.pace.Pacer;
import thelook.backfill.plan.PlannedRecord;
import thelook.schemas.TheLookTable;
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
        try {
            return write(records, topicPrefix, progress, Pacer.unlimited(), null, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    /** Told, every checkpoint interval, how far the acknowledged records reach. */
    @FunctionalInterface
    public interface Acknowledged {
        /**
         * Every record before the last one sent is acknowledged, so a restart may skip the records with event
         * times below {@code watermark} (it produces those at the watermark again: duplicates, never gaps).
         *
         * @param watermark the event time of the last record sent (all are acknowledged)
         * @param records   records sent in this write so far
         * @param perTable  of those, per table
         */
        void upTo(long watermark, long records, Map<TheLookTable, Long> perTable);
    }

    /**
     * Sends every record, paced, and waits for all acknowledgements; every {@code checkpointEvery} (and at
     * the end) waits for the records in flight and tells {@code acknowledged}. Fails on the first send error.
     *
     * @throws InterruptedException when stopped while pacing; what was acknowledged was reported
     */
    public long write(Iterable<PlannedRecord> records, String topicPrefix, LongConsumer progress, Pacer pacer,
                      Acknowledged acknowledged, Duration checkpointEvery) throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] perTable = new long[TheLookTable.values().length];
        long sent = 0;
        long lastTime = PlannedRecord.NO_TIME;
        long checkpointNanos = checkpointEvery.toNanos();
        long lastCheckpoint = System.nanoTime();
        for (PlannedRecord r : records) {
            if (failure.get() != null) {
                break;
            }
            pacer.await(r.time());
            String topic = r.table().topic(topicPrefix);
            producer.send(new ProducerRecord<>(topic, keySerializer.serialize(topic, r.key()), r.value()),
                    (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
            perTable[r.table().ordinal()]++;
            lastTime = r.time();
            if (++sent % 10_000 == 0 && progress != null) {
                progress.accept(sent);
            }
            if (acknowledged != null && System.nanoTime() - lastCheckpoint >= checkpointNanos) {
                producer.flush();
                if (failure.get() == null) {
                    acknowledged.upTo(lastTime, sent, counts(perTable));
                }
                lastCheckpoint = System.nanoTime();
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("producing the replay failed: " + failure.get().getMessage(), failure.get());
        }
        if (acknowledged != null && sent > 0) {
            acknowledged.upTo(lastTime, sent, counts(perTable));
        }
        if (progress != null) {
            progress.accept(sent);
        }
        return sent;
    }

    private static Map<TheLookTable, Long> counts(long[] perTable) {
        Map<TheLookTable, Long> m = new EnumMap<>(TheLookTable.class);
        for (TheLookTable t : TheLookTable.values()) {
            if (perTable[t.ordinal()] > 0) {
                m.put(t, perTable[t.ordinal()]);
            }
        }
        return m;
    }

    /** The producer, for records that go with the replay's (dead letters, checkpoints). */
    public KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    @Override
    public void close() {
        producer.close();
    }
}
