package thelook.schemas.registry;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: the writer's schema comes from the registry by id (cached), the
 * reader's is the generated class's when one is given (or {@code specific.avro.reader} is on), so a
 * consumer reads every version its class is compatible with. Without a class it returns generic
 * records in the writer's schema.
 *
 * <p>Bytes not in the wire format, an id the registry does not know, or data that does not decode
 * throw a {@link SerializationException} (the topology sends the record to the DLQ); an unreachable
 * registry throws {@link RegistryUnavailableException}, which says nothing about the record.
 */
public class RegistryAvroDeserializer<T> implements Deserializer<T> {
    private SchemaRegistry registry;
    private Schema readerSchema; // null: generic, in the writer's schema
    private boolean specific;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    /** For configuration by class name; {@link #configure} must follow. */
    public RegistryAvroDeserializer() {}

    /** @param type the generated class to read into, or null for generic records in the writer's schema */
    public RegistryAvroDeserializer(SchemaRegistry registry, Class<? extends SpecificRecord> type) {
        this.registry = registry;
        this.specific = type != null;
        this.readerSchema = type == null ? null : SpecificData.get().getSchema(type);
    }

    /** Generic records in the given reader schema (a consumer that knows one version of the subject). */
    public RegistryAvroDeserializer(SchemaRegistry registry, Schema readerSchema) {
        this.registry = registry;
        this.specific = false;
        this.readerSchema = readerSchema;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = CachingSchemaRegistry.forConfig(configs);
        this.specific = SerdeSettings.from(configs).specificReader();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        DatumReader<Object> reader = readers.get(id);
        if (reader == null) {
            Schema writer = registry.schemaById(id); // unknown id: a RegistryException (404, 40403)
            requireSameRecord(topic, id, writer);
            reader = readers.computeIfAbsent(id, i -> newReader(writer));
        }
        try {
            var decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER, data.length - WireFormat.HEADER, null);
            return (T) reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read a record of topic " + topic + " with schema id " + id + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Avro's resolution matches fields, not record names, so a record of another type whose fields happen
     * to fit would be read as this one; a topic carries one record type, so refuse the mix-up.
     */
    private void requireSameRecord(String topic, int id, Schema writer) {
        if (readerSchema == null || readerSchema.getType() != Schema.Type.RECORD) {
            return;
        }
        if (writer.getType() != Schema.Type.RECORD || !(writer.getFullName().equals(readerSchema.getFullName())
                || readerSchema.getAliases().contains(writer.getFullName()))) {
            throw new SerializationException("schema id " + id + " on topic " + topic + " is " + writer.getFullName()
                    + ", not the " + readerSchema.getFullName() + " this topic carries");
        }
    }

    private DatumReader<Object> newReader(Schema writer) {
        if (!specific) {
            return new GenericDatumReader<>(writer, readerSchema != null ? readerSchema : writer);
        }
        Schema reader = readerSchema != null ? readerSchema : SpecificData.get().getSchema(SpecificData.get().getClass(writer));
        return new SpecificDatumReader<>(writer, reader);
    }
}
