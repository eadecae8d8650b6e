package thelook.streams.state;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2ObjectOpenHashMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An in-memory key-value store on a hash table, for the stores the topology only reads by key.
 *
 * <p>Kafka Streams' own in-memory store is a sorted map: every get and put walks a tree of byte-array
 * keys. Where no range is ever scanned that order is pure cost (docs/benchmarks.md has the figures). No
 * library offers an unsorted store, hence this class. Keys of eight bytes (every id-keyed store) are kept
 * as primitive longs: no key objects to chase on a probe, or for the collector to trace. It keeps Kafka's
 * contract otherwise: the changelog wrapper around it logs every write, a restore replays the changelog
 * into it, and interactive queries may read it from other threads (so access is synchronized, and
 * {@link #all()} iterates over a copy). {@link #range} is refused: the topology asks only the sorted
 * stores for ranges (TheLookTopology says which). Queries reach it through Kafka's store interfaces
 * (interactive queries v1); it answers none of the typed v2 queries.
 */
public final class HashKeyValueStore implements KeyValueStore<Bytes, byte[]> {
    private static final VarHandle LONG_VIEW = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final String name;
    private final Long2ObjectOpenHashMap<byte[]> longKeys = new Long2ObjectOpenHashMap<>();
    private final Object2ObjectOpenHashMap<Bytes, byte[]> otherKeys = new Object2ObjectOpenHashMap<>();
    private final Position position = Position.emptyPosition();
    private volatile boolean open;

    public HashKeyValueStore(String name) {
        this.name = name;
    }

    /** What {@code Stores.keyValueStoreBuilder} needs to wrap this store with changelogging and metrics. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new HashKeyValueStore(name);
            }

            @Override
            public String metricsScope() {
                return "in-memory-hash";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> put(Bytes.wrap(key), value));
        open = true;
    }

    @Override
    public synchronized byte[] get(Bytes key) {
        byte[] k = key.get();
        return k.length == Long.BYTES ? longKeys.get(asLong(k)) : otherKeys.get(key);
    }

    @Override
    public synchronized void put(Bytes key, byte[] value) {
        if (value == null) {
            delete(key);
            return;
        }
        byte[] k = key.get();
        if (k.length == Long.BYTES) {
            longKeys.put(asLong(k), value);
        } else {
            otherKeys.put(key, value);
        }
    }

    @Override
    public synchronized byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] old = get(key);
        if (old == null && value != null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public synchronized void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public synchronized byte[] delete(Bytes key) {
        byte[] k = key.get();
        return k.length == Long.BYTES ? longKeys.remove(asLong(k)) : otherKeys.remove(key);
    }

    private static long asLong(byte[] k) {
        return (long) LONG_VIEW.get(k, 0);
    }

    private static Bytes asBytes(long k) {
        byte[] b = new byte[Long.BYTES];
        LONG_VIEW.set(b, 0, k);
        return Bytes.wrap(b);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("store " + name + " keeps no key order, so it cannot scan a range");
    }

    /** Every entry, in no particular order, as of the call. */
    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> all() {
        List<KeyValue<Bytes, byte[]>> copy = new ArrayList<>(longKeys.size() + otherKeys.size());
        longKeys.long2ObjectEntrySet().fastForEach(e -> copy.add(KeyValue.pair(asBytes(e.getLongKey()), e.getValue())));
        otherKeys.object2ObjectEntrySet().fastForEach(e -> copy.add(KeyValue.pair(e.getKey(), e.getValue())));
        return new CopyIterator(copy);
    }

    @Override
    public synchronized long approximateNumEntries() {
        return longKeys.size() + otherKeys.size();
    }

    @Override
    public void flush() {
        // nothing buffered: the changelog wrapper has already sent every write
    }

    @Override
    public synchronized void close() {
        longKeys.clear();
        otherKeys.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Stays empty: offset-vector consistency for interactive queries is off in this service. */
    @Override
    public Position getPosition() {
        return position;
    }

    private static final class CopyIterator implements KeyValueIterator<Bytes, byte[]> {
        private final List<KeyValue<Bytes, byte[]>> entries;
        private int next;

        CopyIterator(List<KeyValue<Bytes, byte[]>> entries) {
            this.entries = entries;
        }

        @Override
        public boolean hasNext() {
            return next < entries.size();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return entries.get(next++);
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return entries.get(next).key;
        }

        @Override
        public void close() {
        }
    }
}
