package thelook.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Plain Avro binary (no framing) for one generated record class; null maps to a tombstone. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final Class<T> type;
    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    public AvroSerde(Class<T> type) {
        this.type = type;
        var schema = SpecificData.get().getSchema(type);
        SpecificData model = modelOf(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.reader = new SpecificDatumReader<>(schema, schema, model);
    }

    /**
     * Generated classes without logical types carry their own encode/decode code, which skips Avro's
     * per-field schema walk; Avro uses it only when the data model asks (off by default). So each serde
     * gets a model of its own that asks, with the class's logical-type conversions for the other classes.
     */
    private static SpecificData modelOf(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
        model.setCustomCoders(true);
        return model;
    }

    public byte[] serialize(T value) {
        if (value == null) {
            return null;
        }
        try {
            var out = new ByteArrayOutputStream(128);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            synchronized (writer) {
                writer.write(value, encoder);
            }
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
        }
    }

    public T deserialize(byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, null);
            synchronized (reader) {
                return reader.read(null, decoder);
            }
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("bytes are not a valid " + type.getSimpleName() + " in Avro: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> serialize(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> deserialize(data);
    }
}
