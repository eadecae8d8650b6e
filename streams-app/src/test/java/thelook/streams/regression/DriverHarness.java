package thelook.streams.regression;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.app.StreamsSettings;
import thelook.streams.output.MartCsv;
import thelook.streams.topology.StoreKind;
import thelook.streams.names.StoreNames;
import thelook.streams.topology.TheLookTopology;
import thelook.streams.names.TopicNames;

/** The topology on TopologyTestDriver: pipe raw input records, then write the three mart stores as CSVs. */
final class DriverHarness implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final Map<TheLookTable, TestInputTopic<Long, byte[]>> inputs = new EnumMap<>(TheLookTable.class);

    /** The replay's default stores (in memory). */
    DriverHarness(Path stateDir) {
        this(stateDir, StoreKind.MEMORY);
    }

    DriverHarness(Path stateDir, StoreKind stores) {
        this(stateDir, TopicNames.defaults(), TestSerdes.REGISTRY, stores);
    }

    DriverHarness(Path stateDir, TopicNames topics, TopicSerdes serdes) {
        this(stateDir, topics, serdes, StoreKind.MEMORY);
    }

    DriverHarness(Path stateDir, TopicNames topics, TopicSerdes serdes, StoreKind stores) {
        this(stateDir, topics, serdes, stores, false);
    }

    /** @param serving the service's topology: with the listings' indexes and the event-time stores */
    DriverHarness(Path stateDir, TopicNames topics, TopicSerdes serdes, StoreKind stores, boolean serving) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "thelook-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(StreamsSettings.errorHandling(topics));
        driver = new TopologyTestDriver(TheLookTopology.build(topics, serdes, 1, stores, serving), props);
        for (TheLookTable t : TheLookTopology.INPUTS) {
            inputs.put(t, driver.createInputTopic(t.topic(topics.prefix()), new LongSerializer(), new ByteArraySerializer()));
        }
    }

    void pipe(List<ReplayRecords.Raw> records) {
        records.forEach(this::pipe);
    }

    void pipe(ReplayRecords.Raw record) {
        TestInputTopic<Long, byte[]> topic = inputs.get(record.table());
        if (topic != null) { // distribution_centers and inventory_items feed no mart
            topic.pipeInput(record.key(), record.value());
        }
    }

    Path writeMarts(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        MartCsv.writeCustomerMetrics(dir, values(driver.getKeyValueStore(StoreNames.CUSTOMER_METRICS)));
        MartCsv.writeProductPerformance(dir, values(driver.getKeyValueStore(StoreNames.PRODUCT_PERFORMANCE)));
        MartCsv.writeCrossSellCandidates(dir, values(driver.getKeyValueStore(StoreNames.CROSS_SELL_CANDIDATES)));
        return dir;
    }

    private static <K, V> Iterator<V> values(KeyValueStore<K, V> store) {
        java.util.List<V> out = new java.util.ArrayList<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            it.forEachRemaining((KeyValue<K, V> kv) -> out.add(kv.value));
        }
        return out.iterator();
    }

    TopologyTestDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }
}
