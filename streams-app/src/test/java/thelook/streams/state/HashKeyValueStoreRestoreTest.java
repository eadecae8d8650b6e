package thelook.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.streams.embedded.EmbeddedKafka;

/**
 * The hash store on a real broker: what a stream thread wrote comes back from the changelog into a fresh
 * instance (a restart, or a task moving to another instance), deletes included.
 */
class HashKeyValueStoreRestoreTest {
    private static final String STORE = "restored";

    @TempDir
    Path tmp;

    @Test
    void aRestartRestoresEveryKeyFromTheChangelog() throws Exception {
        Map<Bytes, String> expected = new HashMap<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
             KafkaProducer<Long, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     new LongSerializer(), new StringSerializer())) {
            for (long id = 1; id <= 200; id++) {
                String value = id % 10 == 0 ? null : "v" + id;
                producer.send(new ProducerRecord<>("in", id, "v" + id));
                producer.send(new ProducerRecord<>("in", id, value)); // every tenth id is deleted again
                if (value != null) {
                    expected.put(longKey(id), value);
                    expected.put(KeyBytes.of(id, "pair"), value);
                }
            }
            producer.flush();

            KafkaStreams first = start(kafka, tmp.resolve("first"));
            try {
                awaitContent(first, expected);
            } finally { // leaving the group at once, so the second instance need not wait out a session timeout
                first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
            try (KafkaStreams second = start(kafka, tmp.resolve("second"))) { // no local state: all from the changelog
                awaitContent(second, expected);
            }
        }
    }

    private static KafkaStreams start(EmbeddedKafka kafka, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(HashKeyValueStore.supplier(STORE), Serdes.Bytes(), Serdes.String())
                .withCachingDisabled());
        builder.stream("in", Consumed.with(Serdes.Long(), Serdes.String())).process(Writer::new, STORE);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "hash-store-restore");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put("consumer.auto.offset.reset", "earliest");
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        return streams;
    }

    /** Each record sets (or, as a tombstone, deletes) one id key and one composite key. */
    private static final class Writer implements Processor<Long, String, Void, Void> {
        private KeyValueStore<Bytes, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<Long, String> record) {
            store.put(longKey(record.key()), record.value());
            store.put(KeyBytes.of(record.key(), "pair"), record.value());
        }
    }

    private static void awaitContent(KafkaStreams streams, Map<Bytes, String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<Bytes, String> seen = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                ReadOnlyKeyValueStore<Bytes, String> store = streams.store(
                        StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<Bytes, String>keyValueStore()));
                seen = new HashMap<>();
                try (KeyValueIterator<Bytes, String> it = store.all()) {
                    Map<Bytes, String> into = seen;
                    it.forEachRemaining(kv -> into.put(kv.key, kv.value));
                }
                if (seen.equals(expected)) {
                    return;
                }
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException starting) {
                // not running yet (or restoring)
            }
            Thread.sleep(100);
        }
        assertThat(seen).isEqualTo(expected);
    }

    private static Bytes longKey(long id) {
        return Bytes.wrap(java.nio.ByteBuffer.allocate(8).putLong(id).array());
    }
}
