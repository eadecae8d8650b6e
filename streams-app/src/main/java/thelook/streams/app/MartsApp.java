package thelook.streams.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.StoreNames;
import thelook.streams.output.MartCsv;
import thelook.streams.topology.TheLookTopology;

/** The marts topology running on Kafka Streams, with its failure surfaced and its mart stores readable. */
public final class MartsApp implements AutoCloseable {
    private final KafkaStreams streams;
    private final Topology topology;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private MartsApp(KafkaStreams streams, Topology topology) {
        this.streams = streams;
        this.topology = topology;
    }

    /** Starts the topology and waits until it runs; fails with the cause when it cannot. */
    public static MartsApp start(StreamsSettings settings, TopicSerdes serdes, int partitions, Duration timeout) {
        return start(settings, serdes, partitions, timeout, app -> {});
    }

    /**
     * As {@link #start(StreamsSettings, TopicSerdes, int, Duration)}, calling {@code started} once Kafka Streams
     * has started and before it runs (restoring state can take a while): where the API begins to answer.
     */
    public static MartsApp start(StreamsSettings settings, TopicSerdes serdes, int partitions, Duration timeout,
                                 Consumer<MartsApp> started) {
        var topology = TheLookTopology.build(settings.topics(), serdes, partitions, settings.stores(), settings.serving());
        KafkaStreams streams = new KafkaStreams(topology, settings.toProperties());
        MartsApp app = new MartsApp(streams, topology);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            app.failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            started.accept(app);
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                app.close();
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
            throw new IllegalStateException("interrupted while starting Kafka Streams", e);
        }
        app.checkHealthy();
        return app;
    }

    /** Throws when the topology has stopped, naming the cause. */
    public void checkHealthy() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the marts topology stopped: " + rootMessage(t) + heapHint(t), t);
        }
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
            throw new IllegalStateException("the marts topology is " + state);
        }
    }

    /** Every row of a mart store, across all local partitions (interactive query). */
    public <K, V> List<V> rows(String storeName) {
        for (int attempt = 0; ; attempt++) {
            try {
                ReadOnlyKeyValueStore<K, V> store = streams.store(
                        StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore()));
                List<V> out = new ArrayList<>();
                try (KeyValueIterator<K, V> it = store.all()) {
                    it.forEachRemaining(kv -> out.add(kv.value));
                }
                return out;
            } catch (InvalidStateStoreException e) { // a rebalance is moving the store; it comes back
                checkHealthy();
                if (attempt >= 100) {
                    throw e;
                }
                sleepBriefly();
            }
        }
    }

    /** The three marts as CSVs in {@code dir} (from this instance's stores), rows per mart. */
    public Map<String, Long> writeMartCsvs(Path dir) throws IOException {
        Map<String, Long> rows = new LinkedHashMap<>();
        Files.createDirectories(dir);
        rows.put(MartCsv.CUSTOMER_METRICS, MartCsv.writeCustomerMetrics(dir,
                this.<Long, DimCustomerMetrics>rows(StoreNames.CUSTOMER_METRICS).iterator()));
        rows.put(MartCsv.PRODUCT_PERFORMANCE, MartCsv.writeProductPerformance(dir,
                this.<Long, DimProductPerformance>rows(StoreNames.PRODUCT_PERFORMANCE).iterator()));
        rows.put(MartCsv.CROSS_SELL_CANDIDATES, MartCsv.writeCrossSellCandidates(dir,
                this.<Object, FctCrossSellCandidates>rows(StoreNames.CROSS_SELL_CANDIDATES).iterator()));
        return rows;
    }

    /** Rows per mart in the stores, for a summary when no CSVs are written. */
    public Map<String, Long> martRowCounts() {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put(MartCsv.CUSTOMER_METRICS, count(StoreNames.CUSTOMER_METRICS));
        rows.put(MartCsv.PRODUCT_PERFORMANCE, count(StoreNames.PRODUCT_PERFORMANCE));
        rows.put(MartCsv.CROSS_SELL_CANDIDATES, count(StoreNames.CROSS_SELL_CANDIDATES));
        return rows;
    }

    private long count(String store) {
        return rows(store).size();
    }

    public Topology topology() {
        return topology;
    }

    public KafkaStreams streams() {
        return streams;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** State in memory is the replay's default, so running out of heap gets a way out in the message. */
    static String heapHint(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) { // getCause() is never the throwable itself
            if (c instanceof OutOfMemoryError) {
                return "; the heap cannot hold the topology's state: give the JVM more with -Xmx,"
                        + " or keep the state on disk with --state-store rocksdb";
            }
        }
        return "";
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + r + ")";
    }

    /**
     * Leaves the consumer group as it closes: Kafka Streams does not by default, and the next start (a
     * restart, or the instances that take over) would wait a whole session timeout (45 s) for this member
     * to be declared dead before the rebalance could finish.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
