package thelook.schemas;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The one place every topic's serdes come from (inputs, marts, internal topics and stores).
 * Today it is plain Avro binary; the Schema Registry issue replaces what {@link #value} and
 * {@link #recordKey} return without touching their callers.
 */
public final class TopicSerdes {
    private final Map<Class<?>, Serde<?>> cache = new ConcurrentHashMap<>();

    public static TopicSerdes plainAvro() {
        return new TopicSerdes();
    }

    /** Keys of the theLook tables and of the two single-key marts: the primary key as a long. */
    public Serde<Long> longKey() {
        return Serdes.Long();
    }

    /** A record-valued key (the cross-sell mart's (user_id, product_id)). */
    public <T extends SpecificRecord> Serde<T> recordKey(Class<T> type) {
        return value(type);
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return (Serde<T>) cache.computeIfAbsent(type, t -> new AvroSerde<>(type));
    }
}
