package thelook.streams.state;

import org.apache.kafka.streams.state.KeyValueStore;

/** Changelog semantics on a store: a null value deletes the key. */
public final class StoreWrites {
    private StoreWrites() {}

    public static <K, V> void putOrDelete(KeyValueStore<K, V> store, K key, V value) {
        if (value == null) {
            store.delete(key);
        } else {
            store.put(key, value);
        }
    }
}
