package thelook.schemas;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import thelook.schemas.registry.CachingSchemaRegistry;
import thelook.schemas.registry.CompatibilityLevel;
import thelook.schemas.registry.RegistryException;
import thelook.schemas.registry.RegistryAvroSerde;
import thelook.schemas.registry.SchemaRegistry;
import thelook.schemas.registry.SerdeSettings;

/**
 * The one place every topic's serdes come from. With a registry, the topics others read (inputs, marts)
 * carry Avro in the Confluent wire format; {@link #internal()} gives the plain Avro binary that the
 * topology's own repartition topics and stores use (docs/schemas.md says why).
 *
 * <p>Long keys (the tables' primary keys, two of the marts' keys) are Kafka's 8-byte big-endian long on
 * every topic, framed or not: the topology joins input topics with its repartition topics by key, so a
 * key must have the same bytes (and so the same partition) wherever it is written, and a framed key's
 * bytes would depend on a registry id.
 */
public final class TopicSerdes {
    /** A topic the project writes and the schemas that go to it (the key's null for long keys). */
    public record TopicSchemas(String topic, Class<? extends SpecificRecord> keyType, Class<? extends SpecificRecord> valueType) {}

    private final SchemaRegistry registry; // null: plain Avro everywhere
    private final SerdeSettings settings;
    private final Map<Class<?>, Serde<?>> values = new ConcurrentHashMap<>();
    private final Map<Class<?>, Serde<?>> keys = new ConcurrentHashMap<>();

    private TopicSerdes(SchemaRegistry registry, SerdeSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    /** Plain Avro binary, no registry: internal topics and stores, and tests of the topology alone. */
    public static TopicSerdes plainAvro() {
        return new TopicSerdes(null, null);
    }

    /** Confluent wire format through the registry {@code config} names (Confluent's config names). */
    public static TopicSerdes withRegistry(Map<String, ?> config) {
        return withRegistry(CachingSchemaRegistry.forConfig(config), SerdeSettings.from(config));
    }

    public static TopicSerdes withRegistry(SchemaRegistry registry, SerdeSettings settings) {
        return new TopicSerdes(registry, settings);
    }

    /** What the topology's repartition topics and state stores use. */
    public TopicSerdes internal() {
        return registry == null ? this : plainAvro();
    }

    public boolean usesRegistry() {
        return registry != null;
    }

    /** Keys of the theLook tables and of the two single-key marts: the primary key as Kafka's long. */
    public Serde<Long> longKey() {
        return Serdes.Long();
    }

    /** A record-valued key (the cross-sell mart's (user_id, product_id)). */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> recordKey(Class<T> type) {
        return (Serde<T>) keys.computeIfAbsent(type, t -> serde(type, true));
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return (Serde<T>) values.computeIfAbsent(type, t -> serde(type, false));
    }

    private <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
        return registry == null ? new AvroSerde<>(type) : new RegistryAvroSerde<>(registry, settings, type, isKey);
    }

    /**
     * Makes sure each topic's subjects hold this build's schemas (registering them when
     * {@code auto.register.schemas} is on, else checking they are there) and are at BACKWARD
     * compatibility. Run before anything is produced, so a registry that is away or refuses a schema
     * fails the command at once with the registry's message. Call it on serdes whose registry client gives up after bounded retries (the topology's waits).
     */
    public void prepareSubjects(List<TopicSchemas> topics) {
        if (registry == null) {
            return;
        }
        for (TopicSchemas t : topics) {
            if (t.keyType() != null) {
                prepare(t.topic(), true, SpecificData.get().getSchema(t.keyType()));
            }
            prepare(t.topic(), false, SpecificData.get().getSchema(t.valueType()));
        }
    }

    private void prepare(String topic, boolean isKey, Schema schema) {
        String subject = settings.strategy(isKey).subject(topic, isKey, schema);
        boolean exists = true;
        try {
            if (!registry.compatibility(subject).newReadsOld()) { // keep a stricter level a user has set
                registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            }
        } catch (RegistryException e) {
            if (!e.notFound()) {
                throw e;
            }
            exists = false; // registries that keep no level for a subject before its first version
        }
        if (settings.autoRegister()) {
            registry.register(subject, schema);
        } else {
            registry.lookup(subject, schema);
        }
        if (!exists) {
            registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        }
    }
}
