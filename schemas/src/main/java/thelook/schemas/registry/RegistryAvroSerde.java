package thelook.schemas.registry;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A registry serializer and deserializer for one generated record class (or generic records). */
public final class RegistryAvroSerde<T> implements Serde<T> {
    private final RegistryAvroSerializer<T> serializer;
    private final RegistryAvroDeserializer<T> deserializer;

    public RegistryAvroSerde(SchemaRegistry registry, SerdeSettings settings, Class<? extends SpecificRecord> type,
                             boolean isKey) {
        this.serializer = new RegistryAvroSerializer<>(registry, settings, isKey);
        this.deserializer = new RegistryAvroDeserializer<>(registry, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // built from a registry and settings already
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
