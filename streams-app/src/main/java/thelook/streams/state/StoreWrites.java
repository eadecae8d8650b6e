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

    /** Aggregates back at their empty value hold no information, so the key goes (the store stays small). */
    public static <K, V> void putUnlessEmpty(KeyValueStore<K, V> store, K key, V value, V empty) {
        putOrDelete(store, key, value.equals(empty) ? null : value);
    }
}
