package thelook.schemas.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated (specific) records, generic records and Avro primitives in the Confluent wire format,
 * under the subject its strategy names, registering the schema when {@code auto.register.schemas} is on.
 * Configurable by class name like Confluent's {@code KafkaAvroSerializer}.
 */
public class RegistryAvroSerializer<T> implements Serializer<T> {
    private record Target(int id, Schema schema, DatumWriter<Object> writer, boolean project) {}

    /** By topic, not subject: the subject is then only worked out once per topic and schema. */
    private record TargetKey(String topic, Schema schema) {}

    private SchemaRegistry registry;
    private SerdeSettings settings;
    private boolean isKey;
    private final Map<TargetKey, Target> targets = new ConcurrentHashMap<>();
    private final Map<Integer, Target> latestTargets = new ConcurrentHashMap<>();

    /** For configuration by class name; {@link #configure} must follow. */
    public RegistryAvroSerializer() {}

    public RegistryAvroSerializer(SchemaRegistry registry, SerdeSettings settings, boolean isKey) {
        this.registry = registry;
        this.settings = settings;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = CachingSchemaRegistry.forConfig(configs);
        this.settings = SerdeSettings.from(configs);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = AvroData.schemaOf(data);
        Target target = target(topic, schema, data instanceof SpecificRecord);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(WireFormat.MAGIC);
            out.write(target.id() >>> 24);
            out.write(target.id() >>> 16);
            out.write(target.id() >>> 8);
            out.write(target.id());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            target.writer().write(target.project() ? AvroData.project(data, target.schema()) : data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " for topic " + topic
                    + " with schema id " + target.id() + ": " + e.getMessage(), e);
        }
    }

    private Target target(String topic, Schema schema, boolean specific) {
        if (settings.useLatestVersion()) {
            RegisteredSchema latest = registry.latest(subject(topic, schema)); // cached for a while by CachingSchemaRegistry
            return latestTargets.computeIfAbsent(latest.id(), id -> {
                boolean same = latest.schema().equals(schema);
                return new Target(id, latest.schema(), writer(latest.schema(), specific && same), !same);
            });
        }
        return targets.computeIfAbsent(new TargetKey(topic, schema), k -> {
            String subject = subject(topic, schema);
            int id = settings.autoRegister() ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
            return new Target(id, schema, writer(schema, specific), false);
        });
    }

    private String subject(String topic, Schema schema) {
        return settings.strategy(isKey).subject(topic, isKey, schema);
    }

    private static DatumWriter<Object> writer(Schema schema, boolean specific) {
        return specific ? new SpecificDatumWriter<>(schema) : new GenericDatumWriter<>(schema, AvroData.GENERIC);
    }
}
