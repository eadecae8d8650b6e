package thelook.streams.topology;

/**
 * Where the topology keeps its state. Either way every store has a changelog topic, so state survives
 * a restart or a task move; what differs is the copy each instance holds.
 */
public enum StoreKind {
    /** RocksDB on local disk with Kafka Streams' record cache in front: state may outgrow memory. The service's choice. */
    ROCKSDB,
    /**
     * On the heap, without the record cache: hash tables for the stores read only by key, Kafka Streams'
     * sorted in-memory store for the ones scanned by range. Faster (docs/benchmarks.md), but the heap must hold
     * all state, and a restart restores it whole from the changelogs. The replay's default: its input is bounded.
     */
    MEMORY
}
