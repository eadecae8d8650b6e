package thelook.streams.app;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import thelook.streams.names.TopicNames;
import thelook.streams.topology.BadRecordHandler;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.UnreadableRecordHandler;

/**
 * The Kafka Streams configuration of the marts topology, with the project's defaults.
 *
 * @param clients          bootstrap servers and the user's client settings, passed to every client Streams makes
 * @param standbyReplicas  warm copies of each task's state on other instances (fail-over without a full restore)
 * @param applicationServer {@code host:port} other instances reach this one at (interactive queries), or null
 * @param serving          whether the topology keeps what the API reads besides the marts: the listings' ordered
 *                         indexes and each partition's event time (the service does, a replay does not)
 */
public record StreamsSettings(String applicationId, KafkaClients clients, Path stateDir, int threads, int standbyReplicas,
                              long commitIntervalMs, long cacheBytes, TopicNames topics, boolean brokerInProcess,
                              StoreKind stores, String applicationServer, boolean serving) {

    /** Kafka's exactly-once default: freshness first, for the live service. */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;
    /**
     * A replay wants throughput: 8% faster at 100,000 users than 100 ms; 500 ms was faster than 1 s again (by 5.2%
     * over four pairs on 2026-12-02), and a sink, which reads committed changes only, trails the marts by half as
     * much (its lag p99 1.3-1.4 s instead of 1.9-3.2 s; docs/benchmarks.md).
     */
    public static final long REPLAY_COMMIT_INTERVAL_MS = 500;
    public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

    /** Unreadable and bad records go to the DLQ with the reason in headers and processing goes on; anything else stops. */
    public static Properties errorHandling(TopicNames topics) {
        Properties p = new Properties();
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UnreadableRecordHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, BadRecordHandler.class);
        p.put("processing.exception.handler.global.enabled", true);
        return p;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        if (applicationServer != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cacheBytes);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1); // the cluster's default
        // The marts do not depend on the order between partitions, so a task never waits to line up
        // timestamps across its inputs (which stalls tasks that read several topics).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.putAll(errorHandling(topics));
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Changelog and repartition records cross a network to a real cluster, where lz4 saves more than it
        // costs; to a broker in this JVM they cross nothing, and compressing cost a tenth of processing time.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), brokerInProcess ? "none" : "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 10);
        // A stream thread writes to some fifty changelog, repartition and mart partitions at once; 16 KB
        // batches filled before the linger ran out, so the broker took many small requests (256 KB: about
        // 3 s less processing at 100,000 users). Each open batch reserves 256 KB of the 32 MB buffer.memory.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // The user's client settings (security above all) reach every client Streams makes: a plain key
        // applies to its producers, consumers and admin alike. They come last, so a user may also retune.
        p.putAll(clients.config());
        return p;
    }
}
