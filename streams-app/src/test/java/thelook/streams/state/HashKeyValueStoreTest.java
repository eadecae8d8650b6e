package thelook.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

class HashKeyValueStoreTest {
    private final HashKeyValueStore store = new HashKeyValueStore("test-store");

    @Test
    void longAndOtherKeysAreKeptApartAndBothFound() {
        Bytes id = Bytes.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 7});
        Bytes pair = KeyBytes.of(7, 0);
        Bytes shortKey = Bytes.wrap(new byte[] {1, 2, 3});
        store.put(id, bytes("id"));
        store.put(pair, bytes("pair"));
        store.put(shortKey, bytes("short"));

        assertThat(store.get(Bytes.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 7}))).isEqualTo(bytes("id"));
        assertThat(store.get(KeyBytes.of(7, 0))).isEqualTo(bytes("pair"));
        assertThat(store.get(Bytes.wrap(new byte[] {1, 2, 3}))).isEqualTo(bytes("short"));
        assertThat(store.get(Bytes.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 8}))).isNull();
        assertThat(store.approximateNumEntries()).isEqualTo(3);
    }

    @Test
    void putReplacesNullDeletesAndDeleteReturnsTheOldValue() {
        Bytes a = Bytes.wrap(new byte[] {-1, 0, 0, 0, 0, 0, 0, 1}); // a negative long key
        Bytes b = KeyBytes.of(1, "session");
        store.put(a, bytes("1"));
        store.put(a, bytes("2"));
        store.put(b, bytes("3"));
        assertThat(store.get(a)).isEqualTo(bytes("2"));

        store.put(b, null);
        assertThat(store.get(b)).isNull();
        assertThat(store.delete(a)).isEqualTo(bytes("2"));
        assertThat(store.get(a)).isNull();
        assertThat(store.delete(a)).isNull();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void putIfAbsentAndPutAll() {
        Bytes a = Bytes.wrap(new byte[] {0, 0, 0, 0, 0, 0, 0, 1});
        assertThat(store.putIfAbsent(a, bytes("first"))).isNull();
        assertThat(store.putIfAbsent(a, bytes("second"))).isEqualTo(bytes("first"));
        assertThat(store.get(a)).isEqualTo(bytes("first"));

        store.putAll(List.of(KeyValue.pair(a, null), KeyValue.pair(KeyBytes.of(2, 3), bytes("x"))));
        assertThat(store.get(a)).isNull();
        assertThat(store.get(KeyBytes.of(2, 3))).isEqualTo(bytes("x"));
    }

    @Test
    void allIsACopyOfEveryEntryWithItsOriginalKeyBytes() {
        Map<Bytes, String> expected = new HashMap<>();
        for (long i = -50; i < 50; i++) {
            Bytes longKey = Bytes.wrap(java.nio.ByteBuffer.allocate(8).putLong(i * 1_000_003L).array());
            store.put(longKey, bytes("l" + i));
            expected.put(longKey, "l" + i);
            store.put(KeyBytes.of(i, "s"), bytes("s" + i));
            expected.put(KeyBytes.of(i, "s"), "s" + i);
        }
        Map<Bytes, String> seen = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            store.put(Bytes.wrap(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}), bytes("written while iterating"));
            Bytes peeked = it.peekNextKey();
            KeyValue<Bytes, byte[]> first = it.next();
            assertThat(first.key).isEqualTo(peeked);
            seen.put(first.key, new String(first.value));
            it.forEachRemaining(kv -> seen.put(kv.key, new String(kv.value)));
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void aRangeIsRefusedNamingTheStore() {
        assertThatThrownBy(() -> store.range(KeyBytes.of(1, 0), KeyBytes.of(1, 9)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("test-store");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
