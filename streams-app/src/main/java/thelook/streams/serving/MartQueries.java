package thelook.streams.serving;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import thelook.streams.flow.EventTimes;
import thelook.streams.names.StoreNames;

/**
 * The one way serving reads the topology's stores: where a key lives, a local read from the active
 * copy or (stale) from any local copy, and which partitions of a store each instance holds. Uses
 * interactive queries v1, which every store kind of the topology answers (the in-memory hash store
 * implements no IQv2 queries); a read names its partition, so it never scans other partitions.
 */
final class MartQueries {
    private static final Serializer<Long> LONG = Serdes.Long().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Map<String, Set<String>> sourceTopicsByStore;

    MartQueries(KafkaStreams streams, Topology topology, HostInfo self) {
        this.streams = streams;
        this.self = self;
        this.sourceTopicsByStore = sourceTopicsByStore(topology.describe());
    }

    HostInfo self() {
        return self;
    }

    /** This instance as other instances and the X-Served-By header name it: {@code host:port}. */
    String selfName() {
        return self.host() + ":" + self.port();
    }

    KafkaStreams streams() {
        return streams;
    }

    /** Where the row keyed (on its partition) by {@code partitionKey} lives; 503 while no one knows. */
    KeyQueryMetadata locate(String store, long partitionKey) {
        KeyQueryMetadata meta;
        try {
            meta = streams.queryMetadataForKey(store, partitionKey, LONG);
        } catch (IllegalStateException notRunning) {
            throw ApiError.unavailable("the service is starting or rebalancing: " + notRunning.getMessage());
        }
        if (meta == null || KeyQueryMetadata.NOT_AVAILABLE.equals(meta) || meta.activeHost() == null) {
            throw ApiError.unavailable("no instance owns " + store + " for this key yet (rebalancing)");
        }
        return meta;
    }

    /** From this instance's active copy; throws {@code InvalidStateStoreException} when it has none that is queryable. */
    <K, V> V active(String store, int partition, K key) {
        ReadOnlyKeyValueStore<K, V> s = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition));
        return s.get(key);
    }

    /** From any local copy, a standby's or a restoring active's; throws {@code InvalidStateStoreException} when there is none. */
    <K, V> V stale(String store, int partition, K key) {
        ReadOnlyKeyValueStore<K, V> s = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<K, V>keyValueStore()).enableStaleStores().withPartition(partition));
        return s.get(key);
    }

    /** A local store of this partition for ranges and counts, active only. */
    <K, V> ReadOnlyKeyValueStore<K, V> activeStore(String store, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore())
                .withPartition(partition));
    }

    /**
     * The largest event time (micros) the partition's owner had processed, read from this instance's copy
     * of the partition's event-time store (active or standby); null when it has none or nothing was stamped.
     */
    Long eventTime(String martStore, int partition) {
        String store = martStore.equals(StoreNames.CUSTOMER_METRICS) ? StoreNames.USER_PARTITION_EVENT_TIME
                : StoreNames.PRODUCT_PARTITION_EVENT_TIME;
        try {
            return stale(store, partition, EventTimes.KEY);
        } catch (InvalidStateStoreException notHere) {
            return null;
        }
    }

    /** How many changelog records this instance's copy of the partition is behind; -1 when it has none. */
    long lag(String store, int partition) {
        Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().get(store);
        LagInfo info = lags == null ? null : lags.get(partition);
        return info == null ? -1 : info.offsetLag();
    }

    boolean hostsStandby(KeyQueryMetadata meta) {
        return meta.standbyHosts().contains(self);
    }

    /** Store partitions per instance: active and standby. */
    record Placement(HostInfo host, Set<Integer> active, Set<Integer> standby) {}

    List<Placement> placements(String store) {
        Set<String> topics = sourceTopicsByStore.getOrDefault(store, Set.of());
        return streams.metadataForAllStreamsClients().stream()
                .map(m -> new Placement(m.hostInfo(), partitions(m.topicPartitions(), topics), partitions(m.standbyTopicPartitions(), topics)))
                .toList();
    }

    /** The partition numbers of the store, from any instance's view of the assignment. */
    int partitionCount(String store) {
        Set<Integer> all = new HashSet<>();
        for (Placement p : placements(store)) {
            all.addAll(p.active());
            all.addAll(p.standby());
        }
        return all.isEmpty() ? 0 : all.stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
    }

    private static Set<Integer> partitions(Set<org.apache.kafka.common.TopicPartition> tps, Set<String> topics) {
        Set<Integer> out = new TreeSet<>();
        for (var tp : tps) {
            if (topics.contains(tp.topic()) || topics.stream().anyMatch(t -> tp.topic().endsWith("-" + t))) { // internal: <app id>-<name>
                out.add(tp.partition());
            }
        }
        return out;
    }

    /** A task's partition is the partition of its sub-topology's source topics: which sources feed which store. */
    private static Map<String, Set<String>> sourceTopicsByStore(TopologyDescription description) {
        Map<String, Set<String>> out = new HashMap<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            Set<String> sources = new HashSet<>();
            Set<String> stores = new HashSet<>();
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source) {
                    sources.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }
            stores.forEach(s -> out.computeIfAbsent(s, x -> new HashSet<>()).addAll(sources));
        }
        return out;
    }

    static String url(HostInfo host) {
        return "http://" + host.host() + ":" + host.port();
    }

    static String name(StreamsMetadata m) {
        return m.hostInfo().host() + ":" + m.hostInfo().port();
    }

}
