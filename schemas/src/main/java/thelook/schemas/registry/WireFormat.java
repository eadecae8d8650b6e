package thelook.schemas.registry;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** Confluent's framing: magic byte 0, the schema id as a 4-byte big-endian int, then Avro binary. */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER = 5;

    private WireFormat() {}

    /** The schema id of a framed record; refuses bytes that are not in this format. */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER) {
            throw new SerializationException("not in the Confluent wire format: " + data.length
                    + " byte(s), fewer than the 5-byte header");
        }
        if (data[0] != MAGIC) {
            throw new SerializationException("not in the Confluent wire format: unknown magic byte " + data[0]);
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
